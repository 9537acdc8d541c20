export { entriesBytes, entryBytes } from './entry.js'
export { MemoryRaftStorage } from './memory-storage.js'
export { RawNode } from './raw-node.js'
export type * from './types.js'
