import type { Outcome } from '../invoke.js';
import type { TaskRequestInfo } from '../task-types.js';

/** One task run handed to a pool. The worker owns the clock and tells the run when limits pass. */
export interface RunningTask {
  readonly outcome: Promise<Outcome>;
  /** The soft time limit passed: abort the task's signal with SoftTimeLimitExceeded. */
  softLimit(seconds: number): void;
  /** The hard time limit passed: end the run; its outcome becomes FAILURE TimeLimitExceeded now. */
  hardLimit(seconds: number): void;
}

/** Where tasks run: the worker never starts more than `concurrency` runs at once. */
export interface Pool {
  readonly kind: 'async' | 'threads';
  readonly concurrency: number;
  start(): Promise<void>;
  run(info: TaskRequestInfo): RunningTask;
  /** Ends the pool; runs still going are abandoned (threads are terminated). */
  close(): Promise<void>;
}
