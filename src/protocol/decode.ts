import type { ReceivedMessage } from '../broker/interfaces.js';
import { decompressBody } from './compression.js';
import { MessageDecodeError } from './errors.js';
import { REPR_MAXSIZE, saferepr } from './saferepr.js';
import type { BodyEmbed, DecodedTask, Signature, TaskHeaders } from './types.js';

/**
 * Decodes a received task message: protocol v2 (headers + `[args, kwargs, embed]`), or a protocol v1
 * body (`{task, id, args, kwargs, ...}`) converted as Celery's worker does (proto1_to_proto2).
 * JSON only: pickle, yaml and msgpack are refused, never evaluated.
 */
export function decodeTaskMessage(received: ReceivedMessage): DecodedTask {
  const contentType = received.contentType.split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new MessageDecodeError(`content type "${received.contentType}" is not supported: celeriac reads application/json only (Celery: task_serializer='json')`);
  }
  const encoding = received.contentEncoding.toLowerCase();
  if (encoding !== 'utf-8' && encoding !== 'utf8') {
    throw new MessageDecodeError(`content encoding "${received.contentEncoding}" is not supported (expected utf-8)`);
  }
  const text = decompressBody(received.body, received.headers.compression).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new MessageDecodeError(`body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof received.headers.task === 'string') return fromProtocol2(received.headers, body);
  if (isObject(body) && typeof body.task === 'string') return fromProtocol1(received.headers, body);
  throw new MessageDecodeError('not a Celery task message: no "task" header (protocol 2) and no "task" in the body (protocol 1)');
}

function fromProtocol2(headers: Record<string, unknown>, body: unknown): DecodedTask {
  if (typeof headers.id !== 'string') throw new MessageDecodeError(`task ${String(headers.task)}: header "id" is missing`);
  if (!Array.isArray(body) || body.length < 2) throw new MessageDecodeError(`task ${String(headers.task)}: body must be [args, kwargs, embed]`);
  const [args, kwargs, embed] = body as [unknown, unknown, unknown];
  return {
    headers: withDefaults(headers),
    args: argsOf(args, headers.task),
    kwargs: kwargsOf(kwargs, headers.task),
    embed: embedOf(isObject(embed) ? embed : {}),
  };
}

function fromProtocol1(headers: Record<string, unknown>, body: Record<string, unknown>): DecodedTask {
  if (typeof body.id !== 'string') throw new MessageDecodeError(`task ${String(body.task)}: protocol 1 body has no "id"`);
  const args = argsOf(body.args ?? [], body.task);
  const kwargs = kwargsOf(body.kwargs ?? {}, body.task);
  const timelimit = Array.isArray(body.timelimit) ? body.timelimit : [null, null];
  return {
    headers: withDefaults({
      ...headers,
      task: body.task,
      id: body.id,
      eta: body.eta ?? null,
      expires: body.expires ?? null,
      group: body.taskset ?? body.group ?? null,
      group_index: body.group_index ?? null,
      retries: body.retries ?? 0,
      timelimit,
      argsrepr: saferepr(args, REPR_MAXSIZE, true),
      kwargsrepr: saferepr(kwargs, REPR_MAXSIZE),
    }),
    args,
    kwargs,
    embed: embedOf({ callbacks: body.callbacks, errbacks: body.errbacks, chord: body.chord, chain: null }),
  };
}

/** Python clients may omit headers that Celery 5 always writes; fill them so consumers can rely on them. */
function withDefaults(headers: Record<string, unknown>): TaskHeaders {
  const id = headers.id as string;
  return {
    lang: 'py', shadow: null, eta: null, expires: null, group: null, group_index: null, retries: 0,
    timelimit: [null, null], parent_id: null, argsrepr: '', kwargsrepr: '', origin: '', ignore_result: false,
    ...headers,
    task: headers.task as string,
    id,
    root_id: typeof headers.root_id === 'string' && headers.root_id !== '' ? headers.root_id : id,
  };
}

function argsOf(args: unknown, task: unknown): unknown[] {
  if (!Array.isArray(args)) throw new MessageDecodeError(`task ${String(task)}: args must be an array`);
  return args;
}

function kwargsOf(kwargs: unknown, task: unknown): Record<string, unknown> {
  if (kwargs === null) return {};
  if (!isObject(kwargs)) throw new MessageDecodeError(`task ${String(task)}: kwargs must be an object`);
  return kwargs;
}

function embedOf(embed: Record<string, unknown>): BodyEmbed {
  return {
    callbacks: (embed.callbacks as Signature[] | undefined) ?? null,
    errbacks: (embed.errbacks as Signature[] | undefined) ?? null,
    chain: (embed.chain as Signature[] | undefined) ?? null,
    chord: (embed.chord as Signature | undefined) ?? null,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
