/**
 * What the harness needs from a messaging system: make a topic of n partitions, producers that
 * resolve each send when the system has acknowledged it durably, and consumers that hand each
 * payload to the harness (and acknowledge it the system's way) until closed.
 */
export interface Producer {
  /** Resolves when the system has acknowledged the message (after fsync, where configured). */
  send(partition: number, payload: Buffer): Promise<void>
  close(): Promise<void>
}

export interface Consumer {
  close(): Promise<void>
}

export interface Driver {
  /** The row name in reports, e.g. `rabbitmq-quorum`. */
  readonly name: string
  createTopic(topic: string, partitions: number): Promise<void>
  deleteTopic(topic: string, partitions: number): Promise<void>
  createProducer(topic: string, partitions: number): Promise<Producer>
  /** Reads `partitions` of `topic` from the beginning; `onMessage` runs once per message. */
  createConsumer(
    topic: string,
    partitions: readonly number[],
    onMessage: (payload: Uint8Array) => void,
  ): Promise<Consumer>
  close(): Promise<void>
}
