/**
 * The Kafka listener: one Connection per accepted socket, at most `connectionsMax` at once (more
 * are closed on arrival and logged once per refusal).
 */
import { limits } from '../config/limits.js'
import type { Logger } from '../io/log.js'
import type { NetServer } from '../io/net.js'
import { Connection, type ConnectionOptions } from './connection.js'
import type { Router } from './router.js'

export function serveKafka(
  server: NetServer,
  router: Router,
  log: Logger,
  options: ConnectionOptions = {},
): void {
  let open = 0
  server.onConnection((socket) => {
    if (open >= limits.connectionsMax) {
      log.warn('connection.refused', {
        remote: socket.remote,
        reason: `${limits.connectionsMax} connections open`,
      })
      socket.destroy()
      return
    }
    open++
    socket.onClose(() => {
      open--
    })
    // Kafka reports a member's host as its InetAddress prints: "/127.0.0.1".
    const ip = socket.remote.slice(0, Math.max(0, socket.remote.lastIndexOf(':'))).replace(/^::ffff:/, '')
    const host = `/${ip}`
    new Connection(socket, (frame) => router.dispatch(frame, host), log, options)
  })
}
