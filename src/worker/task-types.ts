import type { RetryRequest } from './errors.js';

/** What a task knows about the message it is running for (serialisable: it crosses to threads). */
export interface TaskRequestInfo {
  id: string;
  name: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  /** How many times this task has been retried so far. */
  retries: number;
  rootId: string;
  parentId: string | null;
  groupId: string | null;
  /** ISO instants as the message carried them. */
  eta: string | null;
  expires: string | null;
  /** The worker's node name (`celeriac@host`). */
  hostname: string;
  /** The queue the message came from. */
  queue: string;
}

export interface RetryOptions extends RetryRequest {
  /** The error that made the task retry; when retries run out, this is what the task fails with. */
  exc?: unknown;
  /** Overrides the task's maxRetries for this call (null: retry forever). */
  maxRetries?: number | null;
}

/**
 * The context a task runs in: `this` inside a `function` task, or the first argument of a task
 * declared with `{ bind: true }`. Arrow functions such as `(x, y) => x + y` simply ignore it.
 */
export interface TaskContext extends Readonly<TaskRequestInfo> {
  /** Aborted with SoftTimeLimitExceeded at the soft time limit (and TimeLimitExceeded at the hard one). */
  readonly signal: AbortSignal;
  /** Asks to be run again later: throws, so write `throw this.retry(...)` or just `this.retry(...)`. */
  retry(options?: RetryOptions): never;
}

/** A class of errors, matched with instanceof (autoretryFor). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** Per-task behaviour, named after Celery's task attributes. */
export interface TaskOptions {
  /** Pass the TaskContext as the first argument (Celery's bind=True). */
  bind?: boolean;
  /** Retries allowed before the task fails (Celery: 3); null retries forever. */
  maxRetries?: number | null;
  /** Seconds before a retry when neither countdown nor eta is given (Celery: 180). */
  defaultRetryDelay?: number;
  /** Errors that retry the task by themselves (Celery's autoretry_for). */
  autoretryFor?: ErrorClass[];
  /** Exponential backoff for automatic retries: true (factor 1 s) or the factor in seconds. */
  retryBackoff?: boolean | number;
  /** Upper bound of the backoff in seconds (Celery: 600). */
  retryBackoffMax?: number;
  /** Full jitter: a random delay between 0 and the backoff (Celery: true). */
  retryJitter?: boolean;
  /** Seconds after which the task is ended (hard) or signalled (soft). The message's timelimit wins. */
  timeLimit?: number;
  softTimeLimit?: number;
  /** Acknowledge after the task ran instead of before (Celery's acks_late). */
  acksLate?: boolean;
  /** Store no result. */
  ignoreResult?: boolean;
  /** Store STARTED when the task begins (Celery's track_started). */
  trackStarted?: boolean;
}

/** The function of a task; `this` is its TaskContext, unless bound (then the context comes first). */
export type TaskFunction = (this: TaskContext, ...args: any[]) => unknown;
