/**
 * Topic metadata in one checksummed JSON file, replaced atomically (write a temporary file,
 * fsync it, rename it over the old one, fsync the folder). Mutations are serialized and each is
 * on disk before it resolves. The cluster issue moves this under the controller's Raft group.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import {
  emptyMetadata,
  type MetadataState,
  type TopicConfig,
  type TopicInfo,
  type TopicMetadataStore,
  transitions,
} from '../cluster/topics.js'
import { checksummed, readIfPresent, replaceFile, verified } from './atomic-file.js'

const FILE = 'metadata.json'

interface FileShape {
  version: 1
  producerIdNext: number
  topics: TopicInfo[]
}

function serialize(s: MetadataState): string {
  const body: FileShape = { version: 1, producerIdNext: s.producerIdNext, topics: [...s.topics.values()] }
  return checksummed(JSON.stringify(body))
}

function parse(text: string, path: string): MetadataState {
  const body = JSON.parse(verified(text, path)) as FileShape
  return { producerIdNext: body.producerIdNext, topics: new Map(body.topics.map((t) => [t.name, t])) }
}

export class MetadataFile implements TopicMetadataStore {
  private current: MetadataState
  private chain: Promise<void> = Promise.resolve()

  private constructor(
    private readonly dir: string,
    initial: MetadataState,
  ) {
    this.current = initial
  }

  static async open(dir: string): Promise<MetadataFile> {
    await mkdir(dir, { recursive: true })
    const path = join(dir, FILE)
    const text = await readIfPresent(path)
    return new MetadataFile(dir, text === null ? emptyMetadata : parse(text, path))
  }

  state(): MetadataState {
    return this.current
  }

  /** Applies a transition (throws synchronously on a bad one), then persists in order. */
  private commit(next: MetadataState): Promise<void> {
    this.current = next
    const text = serialize(next)
    const run = this.chain.then(() => this.write(text))
    this.chain = run.catch(() => {})
    return run
  }

  private write(text: string): Promise<void> {
    return replaceFile(this.dir, FILE, text)
  }

  async createTopic(topic: TopicInfo): Promise<void> {
    await this.commit(transitions.createTopic(this.current, topic))
  }

  async deleteTopic(name: string): Promise<void> {
    await this.commit(transitions.deleteTopic(this.current, name))
  }

  async setPartitions(name: string, partitions: number): Promise<void> {
    await this.commit(transitions.setPartitions(this.current, name, partitions))
  }

  async setConfig(name: string, config: TopicConfig): Promise<void> {
    await this.commit(transitions.setConfig(this.current, name, config))
  }

  async reserveProducerIds(count: number): Promise<number> {
    const first = this.current.producerIdNext
    await this.commit(transitions.reserveProducerIds(this.current, count))
    return first
  }
}
