/** Celery protocol v2, broker-independent (see shared/spec/celery-wire.md). */

/** The headers of a protocol v2 task message, as Celery 5 writes them. */
export interface TaskHeaders {
  lang: string;
  task: string;
  id: string;
  shadow: string | null;
  eta: string | null;
  expires: string | null;
  group: string | null;
  group_index: number | null;
  retries: number;
  timelimit: [number | null, number | null];
  root_id: string;
  parent_id: string | null;
  argsrepr: string;
  kwargsrepr: string;
  origin: string;
  ignore_result: boolean;
  /** `application/x-gzip` (zlib data, as Celery does) or `application/x-bz2` when compressed. */
  compression?: string;
  /** Custom headers ride along (periodic_task_name, celeriac_occurrence, user headers). */
  [name: string]: unknown;
}

/** Celery's signature dict, as found in callbacks/errbacks/chain. */
export interface Signature {
  task: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  options?: Record<string, unknown>;
  subtask_type?: string | null;
  immutable?: boolean;
  [key: string]: unknown;
}

/** The third element of the body: `[args, kwargs, embed]`. */
export interface BodyEmbed {
  callbacks: Signature[] | null;
  errbacks: Signature[] | null;
  chain: Signature[] | null;
  chord: Signature | null;
}

/** Where a message goes. On Redis only `queue` (and priority) matter; AMQP uses exchange + routingKey. */
export interface Route {
  queue: string;
  exchange: string;
  routingKey: string;
}

/** A task message ready for any broker: headers, properties, and the body bytes as carried. */
export interface TaskMessage {
  headers: TaskHeaders;
  properties: {
    correlation_id: string;
    reply_to: string | null;
    priority: number;
    delivery_mode: number;
    /** Milliseconds as a string, set only with expires (AMQP per-message TTL). */
    expiration?: string;
  };
  contentType: string;
  contentEncoding: string;
  /** Serialised body: JSON of [args, kwargs, embed], compressed when headers.compression says so. */
  body: Buffer;
  route: Route;
}
