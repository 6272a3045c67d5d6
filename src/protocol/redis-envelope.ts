/**
 * kombu's Redis transport, as far as the bytes in Redis go (kombu/transport/redis.py, 5.2.4): the
 * JSON envelope pushed onto a list, the per-priority list names and the exchange binding sets.
 * Shared by RedisBroker and by the beat's Lua script that claims an occurrence and pushes in one step.
 */
import type { ReceivedMessage } from '../broker/interfaces.js';
import { MessageDecodeError } from './errors.js';
import { uuid4 } from './ids.js';
import type { Route, TaskMessage } from './types.js';

/** kombu's separator inside list names and binding members. */
export const KOMBU_SEP = '\x06\x16';

/** kombu's default priority_steps; lower steps are served first. */
export const REDIS_PRIORITY_STEPS = [0, 3, 6, 9] as const;

/**
 * The step a priority falls in: kombu clamps to 0-9 (anything unreadable is 0), then takes the
 * largest step not above it (`steps[bisect(steps, n) - 1]`): 0-2 → 0, 3-5 → 3, 6-8 → 6, 9 → 9.
 */
export function redisPriorityStep(priority: unknown): number {
  const n = Math.trunc(Number(priority));
  const clamped = Number.isFinite(n) ? Math.min(9, Math.max(0, n)) : 0;
  let step = 0;
  for (const s of REDIS_PRIORITY_STEPS) if (s <= clamped) step = s;
  return step;
}

/** The list a message of this priority is pushed to: `queue`, or `queue\x06\x16<step>`. */
export function redisQueueList(queue: string, priority: unknown): string {
  const step = redisPriorityStep(priority);
  return step === 0 ? queue : `${queue}${KOMBU_SEP}${step}`;
}

/** Every list of a queue, in the order they are served. */
export function redisQueueLists(queue: string): string[] {
  return REDIS_PRIORITY_STEPS.map((step) => redisQueueList(queue, step));
}

/** The queue a priority list belongs to (kombu: `dest.rsplit(sep, 1)[0]`). */
export function queueOfRedisList(list: string): string {
  const at = list.lastIndexOf(KOMBU_SEP);
  return at === -1 ? list : list.slice(0, at);
}

/**
 * BRPOP's keys in kombu's order (`_brpop_start`): priority step first, then queue, so a priority 0
 * message of any queue is served before a priority 3 message of the first queue.
 */
export function redisBrpopKeys(queues: readonly string[]): string[] {
  return REDIS_PRIORITY_STEPS.flatMap((step) => queues.map((queue) => redisQueueList(queue, step)));
}

/**
 * The set recording which queues an exchange routes to, `_kombu.binding.<exchange>`. Celery declares
 * every queue with an exchange of the same name, so a message for the default exchange `""` is bound
 * under its queue's name: queue `reports` → `_kombu.binding.reports`.
 */
export function redisBindingKey(route: Route): string {
  return `_kombu.binding.${route.exchange === '' ? route.queue : route.exchange}`;
}

/** The member of the binding set: `<routing key>\x06\x16<pattern>\x06\x16<queue>` (pattern empty). */
export function redisBindingMember(route: Route): string {
  const routingKey = route.exchange === '' ? route.queue : route.routingKey;
  return `${routingKey}${KOMBU_SEP}${KOMBU_SEP}${route.queue}`;
}

/** Bodies are never changed once built; beat sends one body many times, so its base64 is kept. */
const base64Bodies = new WeakMap<Buffer, string>();

function base64Of(body: Buffer): string {
  let text = base64Bodies.get(body);
  if (text === undefined) {
    text = body.toString('base64');
    base64Bodies.set(body, text);
  }
  return text;
}

/** The JSON kombu pushes onto the list: body base64, properties with delivery_info and a fresh delivery_tag. */
export function toRedisEnvelope(message: TaskMessage, deliveryTag: string = uuid4()): string {
  const { properties, route } = message;
  let propertiesJson: string;
  if ('delivery_info' in properties || 'body_encoding' in properties || 'delivery_tag' in properties) {
    // Keys the message already has keep their place, as in kombu's dict update.
    propertiesJson = JSON.stringify({
      ...properties,
      delivery_info: { exchange: route.exchange, routing_key: route.routingKey },
      body_encoding: 'base64',
      delivery_tag: deliveryTag,
    });
  } else {
    // The same text as stringifying that merged copy, faster: V8 serialises an object built by
    // spreading and then extending much more slowly than the plain parts, and every message pays it.
    const own = JSON.stringify(properties);
    const added = `"delivery_info":{"exchange":${JSON.stringify(route.exchange)},"routing_key":${JSON.stringify(route.routingKey)}},`
      + `"body_encoding":"base64","delivery_tag":${JSON.stringify(deliveryTag)}}`;
    propertiesJson = own === '{}' ? `{${added}` : `${own.slice(0, -1)},${added}`;
  }
  return `{"body":${JSON.stringify(base64Of(message.body))},"content-encoding":${JSON.stringify(message.contentEncoding)},`
    + `"content-type":${JSON.stringify(message.contentType)},"headers":${JSON.stringify(message.headers)},"properties":${propertiesJson}}`;
}

/** Marks the holes of envelope templates; random, so no real header value can look like one. */
const TEMPLATE_MARKER = `celeriac-hole-${uuid4()}-`;
const TEMPLATE_HOLE = new RegExp(`"${TEMPLATE_MARKER}(\\d+)"`, 'g');

/**
 * The envelopes of messages that differ from one another only in some string headers and
 * properties, like the occurrences of one beat entry (task id, instant): the JSON around those
 * values is serialised once, and each envelope is the pieces joined with its values. It renders
 * exactly what toRedisEnvelope gives for such a message, with a fraction of the work and garbage.
 */
export class RedisEnvelopeTemplate {
  private readonly pieces: string[] = [];
  /** The value that follows each piece but the last: an index into render's values, or the delivery tag. */
  private readonly holes: number[] = [];
  private readonly valueCount: number;

  constructor(message: TaskMessage, headerNames: readonly string[], propertyNames: readonly string[]) {
    const headers: Record<string, unknown> = { ...message.headers };
    const properties: Record<string, unknown> = { ...message.properties };
    headerNames.forEach((name, k) => { headers[name] = mark(name in headers, name, k); });
    propertyNames.forEach((name, k) => { properties[name] = mark(name in properties, name, headerNames.length + k); });
    this.valueCount = headerNames.length + propertyNames.length;
    const json = toRedisEnvelope({ ...message, headers: headers as TaskMessage['headers'], properties: properties as TaskMessage['properties'] }, `${TEMPLATE_MARKER}${this.valueCount}`);
    let from = 0;
    for (const hole of json.matchAll(TEMPLATE_HOLE)) {
      this.pieces.push(json.slice(from, hole.index));
      this.holes.push(Number(hole[1]));
      from = hole.index + hole[0].length;
    }
    this.pieces.push(json.slice(from));
  }

  /** `values`: the headers', then the properties' values, in the order the template was given their names. */
  render(values: readonly string[], deliveryTag: string = uuid4()): string {
    let json = this.pieces[0]!;
    for (let k = 0; k < this.holes.length; k++) {
      const hole = this.holes[k]!;
      json += JSON.stringify(hole === this.valueCount ? deliveryTag : values[hole]) + this.pieces[k + 1]!;
    }
    return json;
  }
}

function mark(present: boolean, name: string, k: number): string {
  if (!present) throw new TypeError(`RedisEnvelopeTemplate: the message has no "${name}" to vary`);
  return `${TEMPLATE_MARKER}${k}`;
}

/** Reads an envelope taken off `queue`'s lists. Throws MessageDecodeError when it is not one. */
export function fromRedisEnvelope(raw: string, queue: string): ReceivedMessage {
  let envelope: unknown;
  try {
    envelope = JSON.parse(raw);
  } catch (error) {
    throw new MessageDecodeError(`not a kombu message (invalid JSON): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) throw new MessageDecodeError('not a kombu message (not a JSON object)');
  const fields = envelope as Record<string, unknown>;
  const properties = objectField(fields, 'properties');
  if (typeof fields.body !== 'string') throw new MessageDecodeError('not a kombu message: "body" is not a string');
  const bodyEncoding = properties.body_encoding;
  if (bodyEncoding !== undefined && bodyEncoding !== null && bodyEncoding !== 'base64') {
    throw new MessageDecodeError(`unsupported body_encoding "${String(bodyEncoding)}" (kombu writes base64)`);
  }
  return {
    queue,
    raw,
    headers: objectField(fields, 'headers'),
    properties,
    contentType: typeof fields['content-type'] === 'string' ? fields['content-type'] : 'application/json',
    contentEncoding: typeof fields['content-encoding'] === 'string' ? fields['content-encoding'] : 'utf-8',
    body: Buffer.from(fields.body, bodyEncoding === 'base64' ? 'base64' : 'utf8'),
  };
}

function objectField(fields: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = fields[name] ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MessageDecodeError(`not a kombu message: "${name}" is not an object`);
  return value as Record<string, unknown>;
}
