import { buildTaskMessage } from '../protocol/build.js';
import { occurrenceTaskId } from '../protocol/ids.js';
import { RedisEnvelopeTemplate, redisBindingKey, redisBindingMember, redisQueueList } from '../protocol/redis-envelope.js';
import type { TaskMessage } from '../protocol/types.js';
import type { Entry } from '../schedule/entry-types.js';
import type { RedisPlacement } from './state/redis-state.js';

/** The values that differ between occurrences, as RedisEnvelopeTemplate takes them. */
const OCCURRENCE_HEADERS = ['id', 'root_id', 'periodic_task_name', 'celeriac_occurrence'] as const;
const OCCURRENCE_PROPERTIES = ['correlation_id'] as const;

/** What the occurrences of entries sending the same task, arguments and options have in common. */
class MessageTemplate {
  private redis: Omit<RedisPlacement, 'envelope'> & { envelope: RedisEnvelopeTemplate } | null = null;
  readonly message: TaskMessage;

  constructor(message: TaskMessage) {
    // A small body is a slice of Node's shared 8 KB buffer pool, and one kept for good keeps its whole
    // slab: 100k entries with their own arguments pinned ~170 MB of slabs. The template gets its own copy.
    const body = Buffer.allocUnsafeSlow(message.body.length);
    message.body.copy(body);
    this.message = { ...message, body };
  }

  /** The Redis form, made at the first Redis placement. */
  redisForm(): Omit<RedisPlacement, 'envelope'> & { envelope: RedisEnvelopeTemplate } {
    const { message } = this;
    return (this.redis ??= {
      bindingKey: redisBindingKey(message.route),
      bindingMember: redisBindingMember(message.route),
      listKey: redisQueueList(message.route.queue, message.properties.priority),
      envelope: new RedisEnvelopeTemplate(message, OCCURRENCE_HEADERS, OCCURRENCE_PROPERTIES),
    });
  }
}

/**
 * Message templates by what they are built from, shared by every entry that sends the same task with
 * the same arguments and options (a common set-up: one task on many schedules), so 100k such entries
 * hold one template instead of 100k. Held weakly: a template goes when the last entry using it does.
 */
const sharedTemplates = new Map<string, WeakRef<MessageTemplate>>();
const forgetTemplate = new FinalizationRegistry<string>((key) => {
  if (sharedTemplates.get(key)?.deref() === undefined) sharedTemplates.delete(key);
});

/**
 * One occurrence's message. Its kombu envelope is rendered from its template's pre-serialised JSON
 * (redisPlacement), which is why it must not be changed once built; a modified copy (`{...message}`)
 * is a plain TaskMessage and is serialised as any other.
 */
export class OccurrenceMessage implements TaskMessage {
  readonly #template: MessageTemplate;
  headers: TaskMessage['headers'];
  properties: TaskMessage['properties'];
  contentType: string;
  contentEncoding: string;
  body: Buffer;
  route: TaskMessage['route'];

  constructor(template: MessageTemplate, id: string, name: string, occurrenceMs: number) {
    const base = template.message;
    this.#template = template;
    this.headers = { ...base.headers, id, root_id: id, periodic_task_name: name, celeriac_occurrence: new Date(occurrenceMs).toISOString() };
    this.properties = { ...base.properties, correlation_id: id };
    this.contentType = base.contentType;
    this.contentEncoding = base.contentEncoding;
    this.body = base.body;
    this.route = base.route;
  }

  /** Where and how kombu's Redis transport stores this message, with a fresh delivery tag. */
  redisPlacement(): RedisPlacement {
    const { bindingKey, bindingMember, listKey, envelope } = this.#template.redisForm();
    const { id, periodic_task_name: name, celeriac_occurrence: occurrence } = this.headers;
    return { bindingKey, bindingMember, listKey, envelope: envelope.render([id, id, name as string, occurrence as string, id]) };
  }
}

/**
 * The messages of one entry's occurrences: a deterministic task id (the same on every beat and
 * restart), and the `periodic_task_name` / `celeriac_occurrence` headers so lateness and duplicates
 * can be measured from outside. Relative `expires` counts from the send, as Celery beat's
 * apply_async does.
 *
 * Everything that does not depend on the occurrence (body, reprs, route, compression, the envelope's
 * JSON) is built at the first occurrence and reused for the next ones: a burst of 100k dispatches
 * then costs a task id and a copy each. Beat keeps one of these per scheduled entry.
 */
export class OccurrenceMessages {
  private template: MessageTemplate | null = null;

  constructor(readonly entry: Entry) {}

  build(occurrenceMs: number, nowMs: number): TaskMessage {
    const { entry } = this;
    const id = occurrenceTaskId(entry.name, occurrenceMs);
    // An expiry depends on the moment of sending, so such entries are built whole every time.
    if (entry.options.expires !== undefined) return buildWhole(entry, id, occurrenceMs, nowMs);
    this.template ??= sharedTemplate(entry, () => buildWhole(entry, id, occurrenceMs, nowMs));
    return new OccurrenceMessage(this.template, id, entry.name, occurrenceMs);
  }
}

/** The message of one occurrence of an entry. */
export function buildOccurrenceMessage(entry: Entry, occurrenceMs: number, nowMs: number): TaskMessage {
  return new OccurrenceMessages(entry).build(occurrenceMs, nowMs);
}

function sharedTemplate(entry: Entry, build: () => TaskMessage): MessageTemplate {
  // Equal JSON means an equal message: the body and the reprs are made from this same JSON.
  const key = JSON.stringify([entry.task, entry.args, entry.kwargs, entry.options]);
  let template = sharedTemplates.get(key)?.deref();
  if (template === undefined) {
    template = new MessageTemplate(build());
    sharedTemplates.set(key, new WeakRef(template));
    forgetTemplate.register(template, key);
  }
  return template;
}

function buildWhole(entry: Entry, id: string, occurrenceMs: number, nowMs: number): TaskMessage {
  const { options } = entry;
  return buildTaskMessage(
    {
      task: entry.task,
      id,
      args: entry.args,
      kwargs: entry.kwargs,
      headers: {
        ...options.headers,
        periodic_task_name: entry.name,
        celeriac_occurrence: new Date(occurrenceMs).toISOString(),
      },
      queue: options.queue,
      exchange: options.exchange,
      routingKey: options.routingKey,
      priority: options.priority,
      expires: options.expires,
      compression: options.compression,
    },
    nowMs,
  );
}
