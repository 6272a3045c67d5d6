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
export * from './broker/index.js';
// Worker, tasks and results (src/worker).
export { Celeriac, type CeleriacOptions } from './worker/app.js';
export { DEFAULT_BROKER_URL } from './worker/defaults.js';
export { Task } from './worker/task.js';
export { AsyncResult, type GetOptions } from './worker/result.js';
export { Worker, type WorkerOptions } from './worker/worker.js';
export type { TaskContext, TaskOptions, TaskFunction, TaskRequestInfo, RetryOptions, ErrorClass } from './worker/task-types.js';
export type { SendOptions } from './worker/send-options.js';
export type { RetryPolicy } from './worker/publish-retry.js';
export type { TaskRoutes, RouteOptions } from './worker/routes.js';
export type { TaskState } from './worker/states.js';
export type { ResultMeta, ExceptionInfo } from './worker/backends/meta.js';
export type { ResultBackend } from './worker/backends/types.js';
export { createResultBackend } from './worker/backends/create.js';
export {
  SoftTimeLimitExceeded, TimeLimitExceeded, Retry, MaxRetriesExceededError, TaskRevokedError, NotRegistered,
  ResultTimeoutError, TaskFailedError,
} from './worker/errors.js';
