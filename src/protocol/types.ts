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

/**
 * What a caller asks to send; buildTaskMessage turns it into a TaskMessage. Field meanings follow
 * Celery's `send_task`/`apply_async` (camelCase here, snake_case on the wire).
 */
export interface TaskRequest {
  /** Registered task name, e.g. `tasks.add`. */
  task: string;
  /** Task id; a fresh uuid4 when omitted. */
  id?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  /** Run no earlier than this instant (Date, or ISO-8601 text with an offset). */
  eta?: Date | string;
  /** Seconds from now; becomes `eta` (Celery's countdown). Not together with eta. */
  countdown?: number;
  /** Seconds from now, or an instant (Date / ISO-8601 with offset) after which the task is revoked. */
  expires?: number | Date | string;
  retries?: number;
  /** Hard and soft time limits in seconds (header `timelimit: [hard, soft]`). */
  timeLimit?: number | null;
  softTimeLimit?: number | null;
  rootId?: string | null;
  parentId?: string | null;
  group?: string | null;
  groupIndex?: number | null;
  shadow?: string | null;
  callbacks?: Signature[] | null;
  errbacks?: Signature[] | null;
  chain?: Signature[] | null;
  chord?: Signature | null;
  ignoreResult?: boolean;
  /** Extra headers (periodic_task_name, celeriac_occurrence, user headers); they cannot replace protocol headers. */
  headers?: Record<string, unknown>;
  /** 0-9; on Redis lower numbers are served first (kombu's priority steps). Default 0. */
  priority?: number;
  /** Default `celery`. */
  queue?: string;
  /** Default `""` (the default exchange), as Celery 5.2 publishes. */
  exchange?: string;
  /** Default: the queue name. */
  routingKey?: string;
  /** `zlib` compresses the body (header `compression: application/x-gzip`, zlib data, as Celery). */
  compression?: 'zlib';
  /** Default `gen<pid>@<hostname>` (Celery's anon_nodename). */
  origin?: string;
  /** Default `""`, as Celery writes when no result consumer waits on a reply queue. */
  replyTo?: string;
  /** Override the Python-repr strings shown by Celery's monitoring (e.g. to hide secrets). */
  argsrepr?: string;
  kwargsrepr?: string;
}

/** A task message's content once decoded: protocol v2 headers plus the body's three parts. */
export interface DecodedTask {
  headers: TaskHeaders;
  args: unknown[];
  kwargs: Record<string, unknown>;
  embed: BodyEmbed;
}
