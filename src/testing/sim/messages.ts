/** Raft messages as the simulated wire sees them: copied per delivery, described in the event log. */
import type { Message } from '../../raft/index.js'

/** Each delivered copy is its own object, as if it had crossed a wire. */
export function cloneMessage(m: Message): Message {
  return m.type === 'app' ? { ...m, entries: [...m.entries] } : { ...m }
}

export function describeMessage(m: Message): string {
  switch (m.type) {
    case 'app':
      return `app t${m.term} i${m.index}/${m.logTerm} n${m.entries.length} c${m.commit}`
    case 'appResp':
      return `appResp t${m.term} i${m.index}${m.reject ? ` reject hint ${m.rejectHint}` : ''}`
    case 'heartbeat':
      return `heartbeat t${m.term} c${m.commit}`
    case 'vote':
    case 'preVote':
      return `${m.type} t${m.term} i${m.index}/${m.logTerm}`
    case 'voteResp':
    case 'preVoteResp':
      return `${m.type} t${m.term}${m.reject ? ' reject' : ''}`
    case 'snap':
      return `snap t${m.term} i${m.snapshot.metadata.index}`
    case 'readIndexResp':
      return `readIndexResp t${m.term} i${m.index}`
    default:
      return `${m.type} t${m.term}`
  }
}
