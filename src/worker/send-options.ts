import type { Signature, TaskRequest } from '../protocol/types.js';
import type { RetryPolicy } from './publish-retry.js';
import type { RouteOptions } from './routes.js';

/** Options of `applyAsync`/`sendTask`, as Celery's apply_async (camelCase). */
export interface SendOptions {
  /** Use this task id instead of a fresh uuid4. */
  taskId?: string;
  /** Seconds from now before the task may run. */
  countdown?: number;
  /** The task may not run before this instant. */
  eta?: Date | string;
  /** Seconds from now, or an instant, after which the task is revoked instead of run. */
  expires?: number | Date | string;
  queue?: string;
  routingKey?: string;
  exchange?: string;
  /** 0-9. */
  priority?: number;
  /** Extra message headers. */
  headers?: Record<string, unknown>;
  compression?: 'zlib';
  /** Retry publishing while the broker is unreachable (default true, with Celery's policy). */
  retry?: boolean;
  retryPolicy?: RetryPolicy;
  /** Tasks to apply with this task's result when it succeeds. */
  link?: Signature | Signature[];
  /** Tasks to apply with this task's id when it fails. */
  linkError?: Signature | Signature[];
  /** Tasks to run one after another after this one, each given the previous result (next first). */
  chain?: Signature[];
  ignoreResult?: boolean;
  /** Hard and soft time limits in seconds, overriding the task's own. */
  timeLimit?: number;
  softTimeLimit?: number;
  /** Set by workers when a task sends another. */
  parentId?: string;
  rootId?: string;
  /** The retry count the message carries (the worker's re-publish of a retried task). */
  retries?: number;
  group?: string | null;
  shadow?: string | null;
}

/** The protocol request for one task: explicit options win over the app's route for the task. */
export function taskRequest(name: string, args: unknown[], kwargs: Record<string, unknown>, options: SendOptions, route: RouteOptions): TaskRequest {
  const request: TaskRequest = { task: name, args, kwargs };
  const set = <K extends keyof TaskRequest>(key: K, value: TaskRequest[K] | undefined): void => {
    if (value !== undefined) request[key] = value;
  };
  set('id', options.taskId);
  set('countdown', options.countdown);
  set('eta', options.eta);
  set('expires', options.expires);
  set('queue', options.queue ?? route.queue);
  set('routingKey', options.routingKey ?? route.routingKey);
  set('exchange', options.exchange ?? route.exchange);
  set('priority', options.priority ?? route.priority);
  set('headers', options.headers);
  set('compression', options.compression);
  set('callbacks', listOf(options.link));
  set('errbacks', listOf(options.linkError));
  set('chain', options.chain);
  set('ignoreResult', options.ignoreResult);
  set('timeLimit', options.timeLimit);
  set('softTimeLimit', options.softTimeLimit);
  set('parentId', options.parentId);
  set('rootId', options.rootId);
  set('retries', options.retries);
  set('group', options.group);
  set('shadow', options.shadow);
  return request;
}

function listOf(value: Signature | Signature[] | undefined): Signature[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}

/** A Celery signature dict (`add.s(2)`): the task, its partial arguments and its options. */
export function makeSignature(task: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, options: Record<string, unknown> = {}, immutable = false): Signature {
  return { task, args, kwargs, options, subtask_type: null, immutable, chord_size: null };
}

/**
 * The send options a signature's own options ask for. Python writes them in snake_case
 * (routing_key, link_error, task_id...); the ones that make no sense for a new message are dropped.
 */
export function sendOptionsOfSignature(signature: Signature): SendOptions {
  const o = signature.options ?? {};
  const options: SendOptions = {};
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  options.taskId = str(o.task_id);
  options.countdown = num(o.countdown);
  options.eta = str(o.eta);
  options.expires = num(o.expires) ?? str(o.expires);
  options.queue = str(o.queue);
  options.routingKey = str(o.routing_key);
  options.exchange = str(o.exchange);
  options.priority = num(o.priority);
  options.link = o.link as Signature | Signature[] | undefined;
  options.linkError = o.link_error as Signature | Signature[] | undefined;
  options.timeLimit = num(o.time_limit);
  options.softTimeLimit = num(o.soft_time_limit);
  options.shadow = str(o.shadow);
  if (typeof o.ignore_result === 'boolean') options.ignoreResult = o.ignore_result;
  if (o.compression === 'zlib') options.compression = 'zlib';
  if (typeof o.headers === 'object' && o.headers !== null) options.headers = o.headers as Record<string, unknown>;
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined && value !== null)) as SendOptions;
}
