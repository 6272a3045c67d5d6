/**
 * Errors of task execution and results. Each class that has a Celery counterpart names its Python
 * module in `pythonModule`, so a failure stored by a celeriac worker becomes that very exception
 * class in a Python client (celery's exception_to_python looks up exc_module.exc_type).
 */

/** Raised where a task waits once its soft time limit passes; its AbortSignal is aborted with it. */
export class SoftTimeLimitExceeded extends Error {
  static readonly pythonModule = 'celery.exceptions';
  constructor(readonly seconds: number) {
    super(`soft time limit (${seconds}s) exceeded`);
    this.name = 'SoftTimeLimitExceeded';
  }
}

/** The hard time limit passed: the task was ended (threads pool) or abandoned (async pool). */
export class TimeLimitExceeded extends Error {
  static readonly pythonModule = 'celery.exceptions';
  constructor(readonly seconds: number) {
    super(`hard time limit (${seconds}s) exceeded`);
    this.name = 'TimeLimitExceeded';
  }
}

export interface RetryRequest {
  /** Seconds from now. */
  countdown?: number;
  /** An absolute time; wins over countdown. */
  eta?: Date;
  /** New arguments for the retry; the current ones when omitted. */
  args?: unknown[];
  kwargs?: Record<string, unknown>;
}

/** Thrown by `context.retry()`: the worker re-publishes the task and records RETRY. */
export class Retry extends Error {
  static readonly pythonModule = 'celery.exceptions';
  constructor(
    readonly request: RetryRequest,
    /** Why the task asked to be retried, stored as the RETRY state's exception. */
    readonly reason?: unknown,
  ) {
    super(reason instanceof Error ? `Retry: ${reason.message}` : 'Retry');
    this.name = 'Retry';
  }
}

export class MaxRetriesExceededError extends Error {
  static readonly pythonModule = 'celery.exceptions';
  constructor(taskName: string, taskId: string, maxRetries: number) {
    super(`Can't retry ${taskName}[${taskId}]: max_retries=${maxRetries} exceeded`);
    this.name = 'MaxRetriesExceededError';
  }
}

/** Stored as the REVOKED state's exception (an expired task is revoked, not run). */
export class TaskRevokedError extends Error {
  static readonly pythonModule = 'celery.exceptions';
  constructor(reason: string) {
    super(reason);
    this.name = 'TaskRevokedError';
  }
}

/** The worker has no task of that name. */
export class NotRegistered extends Error {
  static readonly pythonModule = 'celery.exceptions';
  constructor(taskName: string) {
    super(`Task of kind '${taskName}' is not registered`);
    this.name = 'NotRegistered';
  }
}

/** `AsyncResult.get()` waited longer than its timeout (Celery's celery.exceptions.TimeoutError). */
export class ResultTimeoutError extends Error {
  constructor(taskId: string, timeoutMs: number, state: string) {
    super(`task ${taskId} did not finish within ${timeoutMs} ms (state ${state})`);
    this.name = 'ResultTimeoutError';
  }
}

/** A task failed (or was revoked) wherever it ran; `AsyncResult.get()` throws this. */
export class TaskFailedError extends Error {
  constructor(
    readonly taskId: string,
    readonly state: 'FAILURE' | 'REVOKED',
    readonly excType: string,
    readonly excModule: string | null,
    readonly excMessage: unknown[],
    readonly remoteTraceback: string | null,
  ) {
    super(`${excType}: ${excMessage.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(', ')}`);
    this.name = excType;
  }
}

/** The message of anything thrown, for log lines. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
