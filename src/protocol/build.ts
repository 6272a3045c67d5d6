import { hostname } from 'node:os';
import { UsageError } from '../errors.js';
import { ZLIB_COMPRESSION, zlibCompress } from './compression.js';
import { uuid4 } from './ids.js';
import { formatCeleryIso, parseIsoInstant } from './iso-time.js';
import { REPR_MAXSIZE, saferepr } from './saferepr.js';
import type { BodyEmbed, TaskHeaders, TaskMessage, TaskRequest } from './types.js';

export const DEFAULT_QUEUE = 'celery';

/** Celery's anon_nodename(): who sent the message. */
export const DEFAULT_ORIGIN = `gen${process.pid}@${hostname()}`;

const PROTOCOL_HEADERS = new Set([
  'lang', 'task', 'id', 'shadow', 'eta', 'expires', 'group', 'group_index', 'retries', 'timelimit',
  'root_id', 'parent_id', 'argsrepr', 'kwargsrepr', 'origin', 'ignore_result', 'compression',
]);

/**
 * A Celery protocol v2 task message, as `app.send_task` builds it (celery/app/amqp.py as_task_v2 and
 * send_task). `now` (ms since the epoch) turns countdown and expires-in-seconds into instants.
 */
export function buildTaskMessage(request: TaskRequest, now: number): TaskMessage {
  const task = request.task;
  if (typeof task !== 'string' || task === '') throw new UsageError('task message: field "task" must be a non-empty task name');
  const field = (name: string) => `task message for ${task}: field "${name}"`;
  const args = request.args ?? [];
  if (!Array.isArray(args)) throw new UsageError(`${field('args')} must be an array`);
  const kwargs = request.kwargs ?? {};
  if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) throw new UsageError(`${field('kwargs')} must be an object`);
  const priority = request.priority ?? 0;
  if (!Number.isInteger(priority) || priority < 0 || priority > 9) throw new UsageError(`${field('priority')} must be a whole number 0-9, not ${String(priority)}`);
  if (request.compression !== undefined && request.compression !== 'zlib') throw new UsageError(`${field('compression')} must be "zlib", not "${String(request.compression)}"`);
  for (const name of Object.keys(request.headers ?? {})) {
    if (PROTOCOL_HEADERS.has(name)) throw new UsageError(`${field('headers')}: "${name}" is a protocol header and cannot be set directly`);
  }

  const id = request.id ?? uuid4();
  const eta = etaOf(request, now, field);
  const expiresMs = request.expires === undefined ? undefined : instantOf(request.expires, now, field('expires'));
  const embed: BodyEmbed = {
    callbacks: request.callbacks ?? null,
    errbacks: request.errbacks ?? null,
    chain: request.chain ?? null,
    chord: request.chord ?? null,
  };
  const json = JSON.stringify([args, kwargs, embed]);
  // The reprs describe what the worker will receive, so they are taken from the JSON round trip.
  const [sentArgs, sentKwargs] = JSON.parse(json) as [unknown[], Record<string, unknown>];

  const headers: TaskHeaders = {
    lang: 'py',
    task,
    id,
    shadow: request.shadow ?? null,
    eta: eta === undefined ? null : formatCeleryIso(eta),
    expires: expiresMs === undefined ? null : formatCeleryIso(expiresMs),
    group: request.group ?? null,
    group_index: request.groupIndex ?? null,
    retries: request.retries ?? 0,
    timelimit: [request.timeLimit ?? null, request.softTimeLimit ?? null],
    root_id: request.rootId || id,
    parent_id: request.parentId ?? null,
    argsrepr: request.argsrepr ?? saferepr(sentArgs, REPR_MAXSIZE, true),
    kwargsrepr: request.kwargsrepr ?? saferepr(sentKwargs, REPR_MAXSIZE),
    origin: request.origin ?? DEFAULT_ORIGIN,
    ignore_result: request.ignoreResult ?? false,
    ...request.headers,
  };
  let body: Buffer = Buffer.from(json, 'utf8');
  if (request.compression === 'zlib') {
    headers.compression = ZLIB_COMPRESSION;
    body = zlibCompress(body);
  }

  const queue = request.queue ?? DEFAULT_QUEUE;
  return {
    headers,
    properties: {
      correlation_id: id,
      reply_to: request.replyTo ?? '',
      priority,
      delivery_mode: 2,
      // kombu: str(int(expires_seconds * 1000)), never negative (Celery clamps past expiries to 0).
      ...(expiresMs === undefined ? {} : { expiration: String(Math.max(0, Math.trunc(expiresMs - now))) }),
    },
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    body,
    route: { queue, exchange: request.exchange ?? '', routingKey: request.routingKey ?? queue },
  };
}

function etaOf(request: TaskRequest, now: number, field: (name: string) => string): number | undefined {
  if (request.countdown !== undefined && request.eta !== undefined) throw new UsageError(`${field('countdown')} and "eta" cannot both be given`);
  if (request.countdown !== undefined) {
    if (!Number.isFinite(request.countdown)) throw new UsageError(`${field('countdown')} must be a number of seconds`);
    // Celery: `if countdown:` -- a zero countdown means no eta.
    return request.countdown === 0 ? undefined : now + request.countdown * 1000;
  }
  if (request.eta === undefined) return undefined;
  if (typeof request.eta === 'number') throw new UsageError(`${field('eta')} must be a Date or ISO-8601 text (use countdown for seconds from now)`);
  return instantOf(request.eta, now, field('eta'));
}

/** Seconds from now (numbers), a Date, or ISO-8601 text with an offset. */
function instantOf(value: number | Date | string, now: number, where: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UsageError(`${where} must be a finite number of seconds`);
    return now + value * 1000;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new UsageError(`${where} is an invalid Date`);
    return value.getTime();
  }
  const parsed = typeof value === 'string' ? parseIsoInstant(value) : undefined;
  if (!parsed || !parsed.hasOffset) throw new UsageError(`${where} must be seconds, a Date or an ISO-8601 instant with an offset (Z or +01:00), not ${JSON.stringify(value)}`);
  return parsed.ms;
}
