export * from './coordinator.js'
export { type CoordinatorConfig, defaultCoordinatorConfig, GroupConfigError } from './core.js'
export * from './records.js'
export type * from './types.js'
