/** The public API of celeriac: `import { ... } from 'celeriac'`. */
export { UsageError, ScheduleError } from './errors.js';
export type { Clock, TimerHandle } from './util/clock.js';
export { systemClock, ManualClock } from './util/clock.js';
export { Logger } from './util/log.js';
export type * from './schedule/types.js';
export type * from './schedule/entry-types.js';
export type * from './protocol/types.js';
export type * from './broker/interfaces.js';
export * from './protocol/index.js';
