/**
 * The package root: `import { ... } from 'petrel'`. It grows as the client and the embeddable
 * node land; today it exports the codec-level pieces that are stable.
 */
export { CodecError, type CodecErrorCode } from './protocol/codec-error.js'
export { limits } from './config/limits.js'
