import { MaxRetriesExceededError, Retry, SoftTimeLimitExceeded } from './errors.js';
import { backoffSeconds } from './backoff.js';
import { serializeError, tracebackOf, type ExceptionInfo } from './backends/meta.js';
import type { TaskDefinition } from './registry.js';
import type { RetryOptions, TaskContext, TaskRequestInfo } from './task-types.js';

/** How one run of a task ended; plain data, so it crosses from a thread unchanged. */
export type Outcome =
  | { state: 'SUCCESS'; result: unknown }
  | { state: 'FAILURE'; exception: ExceptionInfo; traceback: string | null }
  | { state: 'RETRY'; exception: ExceptionInfo; traceback: string | null; retry: RetryPlan };

/** When and with what the task runs again. */
export interface RetryPlan {
  countdownSeconds?: number;
  /** ISO instant; wins over the countdown. */
  eta?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
}

const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_RETRY_DELAY_SECONDS = 180;
const DEFAULT_BACKOFF_MAX_SECONDS = 600;

/**
 * Calls a task's function for one message: `this` is the context (or the first argument with
 * bind), keyword arguments come last as one object when there are any, and whatever it returns
 * or throws becomes an Outcome. Time limits are the pool's business: it aborts `signal`.
 */
export async function invokeTask(definition: TaskDefinition, info: TaskRequestInfo, signal: AbortSignal, random: () => number = Math.random): Promise<Outcome> {
  const context = createContext(definition, info, signal);
  const args = Object.keys(info.kwargs).length > 0 ? [...info.args, info.kwargs] : info.args;
  try {
    const value = await (definition.options.bind ? definition.fn.call(context, context, ...args) : definition.fn.apply(context, args));
    return successOutcome(value);
  } catch (error) {
    return failedOutcome(definition, context, error, random);
  }
}

function successOutcome(value: unknown): Outcome {
  const result = value === undefined ? null : value;
  try {
    JSON.stringify(result);
  } catch (error) {
    const encodeError = new Error(`the task's return value cannot be stored as JSON: ${(error as Error).message}`);
    encodeError.name = 'EncodeError';
    return { state: 'FAILURE', exception: serializeError(encodeError), traceback: tracebackOf(encodeError) };
  }
  return { state: 'SUCCESS', result };
}

function failedOutcome(definition: TaskDefinition, context: TaskContext, thrown: unknown, random: () => number): Outcome {
  let error = softLimitCause(thrown, context.signal) ?? thrown;
  if (!(error instanceof Retry) && isAutoRetried(definition, error)) {
    try {
      context.retry({ exc: error, ...automaticDelay(definition, context.retries, random) });
    } catch (retried) {
      error = retried;
    }
  }
  if (error instanceof Retry) {
    const reason = error.reason ?? error;
    const { countdown, eta, args, kwargs } = error.request;
    const retry: RetryPlan = eta ? { eta: eta.toISOString() } : { countdownSeconds: countdown ?? 0 };
    if (args) retry.args = args;
    if (kwargs) retry.kwargs = kwargs;
    return { state: 'RETRY', exception: serializeError(reason), traceback: tracebackOf(reason), retry };
  }
  return { state: 'FAILURE', exception: serializeError(error), traceback: tracebackOf(error) };
}

/** An abort error thrown because of the soft limit is reported as SoftTimeLimitExceeded itself. */
function softLimitCause(error: unknown, signal: AbortSignal): SoftTimeLimitExceeded | undefined {
  const reason: unknown = signal.reason;
  if (!signal.aborted || !(reason instanceof SoftTimeLimitExceeded)) return undefined;
  if (error === reason) return reason;
  if (error instanceof Error && (error.name === 'AbortError' || error.cause === reason)) return reason;
  return undefined;
}

function isAutoRetried(definition: TaskDefinition, error: unknown): boolean {
  return (definition.options.autoretryFor ?? []).some((errorClass) => error instanceof errorClass);
}

function automaticDelay(definition: TaskDefinition, retries: number, random: () => number): RetryOptions {
  const { retryBackoff, retryBackoffMax, retryJitter } = definition.options;
  if (!retryBackoff) return {};
  const factor = retryBackoff === true ? 1 : retryBackoff;
  return { countdown: backoffSeconds(factor, retries, retryBackoffMax ?? DEFAULT_BACKOFF_MAX_SECONDS, retryJitter ?? true, random()) };
}

function createContext(definition: TaskDefinition, info: TaskRequestInfo, signal: AbortSignal): TaskContext {
  return {
    ...info,
    signal,
    retry(options: RetryOptions = {}): never {
      const maxRetries = options.maxRetries !== undefined ? options.maxRetries : definition.options.maxRetries ?? DEFAULT_MAX_RETRIES;
      if (maxRetries !== null && info.retries >= maxRetries) {
        if (options.exc !== undefined) throw options.exc;
        throw new MaxRetriesExceededError(info.name, info.id, maxRetries);
      }
      const countdown = options.countdown ?? definition.options.defaultRetryDelay ?? DEFAULT_RETRY_DELAY_SECONDS;
      throw new Retry({ countdown, eta: options.eta, args: options.args, kwargs: options.kwargs }, options.exc);
    },
  };
}
