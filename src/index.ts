/**
 * The package root: `import { ... } from 'petrel'`. It grows as the client lands; today it
 * exports the codec-level pieces that are stable and the embeddable node.
 */
export { CodecError, type CodecErrorCode } from './protocol/codec-error.js'
export { limits } from './config/limits.js'
export { type NodeOptions, type RunningNode, startNode } from './node/node.js'
export * from './client/index.js'
