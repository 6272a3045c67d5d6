import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTaskMessage } from '../../src/protocol/build.js';
import { MessageDecodeError } from '../../src/protocol/errors.js';
import {
  fromRedisEnvelope, queueOfRedisList, redisBindingKey, redisBindingMember, redisBrpopKeys, redisPriorityStep,
  RedisEnvelopeTemplate, redisQueueList, redisQueueLists, toRedisEnvelope,
} from '../../src/protocol/redis-envelope.js';
import { recorded } from './celery-fixtures.js';

describe('kombu Redis layout', () => {
  it('rounds priorities down to kombu steps 0, 3, 6, 9 and clamps like kombu', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((p) => redisPriorityStep(p))).toEqual([0, 0, 0, 3, 3, 3, 6, 6, 6, 9]);
    expect([-1, 12, 'x', null, '7'].map((p) => redisPriorityStep(p))).toEqual([0, 9, 0, 0, 6]);
  });

  it('names the lists as Celery does: queue, then queue\\x06\\x16<step>', () => {
    expect(redisQueueList('celery', 2)).toBe('celery');
    expect(redisQueueList('celery', 5)).toBe('celery\x06\x163');
    expect(redisQueueList('celery', 8)).toBe('celery\x06\x166');
    expect(redisQueueList('celery', 9)).toBe('celery\x06\x169');
    expect(redisQueueLists('q')).toEqual(['q', 'q\x06\x163', 'q\x06\x166', 'q\x06\x169']);
    expect(queueOfRedisList('a\x06\x16b\x06\x169')).toBe('a\x06\x16b');
    expect(recorded('tasks.big').list).toBe(redisQueueList('reports', 9));
  });

  it('BRPOPs priority step by step, queue by queue within a step (kombu _brpop_start)', () => {
    expect(redisBrpopKeys(['a', 'b'])).toEqual(['a', 'b', 'a\x06\x163', 'b\x06\x163', 'a\x06\x166', 'b\x06\x166', 'a\x06\x169', 'b\x06\x169']);
  });

  it('binds a queue the way Celery declares it', () => {
    const route = { queue: 'reports', exchange: '', routingKey: 'reports' };
    expect(redisBindingKey(route)).toBe('_kombu.binding.reports');
    expect(redisBindingMember(route)).toBe('reports\x06\x16\x06\x16reports');
    const custom = { queue: 'q', exchange: 'ex', routingKey: 'rk' };
    expect([redisBindingKey(custom), redisBindingMember(custom)]).toEqual(['_kombu.binding.ex', 'rk\x06\x16\x06\x16q']);
  });

  it('writes the envelope with Celery\'s fields and a fresh delivery tag', () => {
    const message = buildTaskMessage({ task: 'tasks.add', args: [2, 3], priority: 5, expires: 30 }, 0);
    const envelope = JSON.parse(toRedisEnvelope(message)) as Record<string, Record<string, unknown>>;
    const celery = JSON.parse(recorded('tasks.add').raw) as Record<string, Record<string, unknown>>;
    expect(Object.keys(envelope).sort()).toEqual(Object.keys(celery).sort());
    expect(Object.keys(envelope.properties!).sort()).toEqual(Object.keys(celery.properties!).sort());
    expect(envelope.properties).toMatchObject({ delivery_info: { exchange: '', routing_key: 'celery' }, body_encoding: 'base64', priority: 5, expiration: '30000' });
    expect(envelope.properties!.delivery_tag).not.toBe(JSON.parse(toRedisEnvelope(message)).properties.delivery_tag);
    expect(envelope.body).toBe(message.body.toString('base64'));
  });

  it('adds the transport properties as kombu updates the dict: after the message\'s own, or in place when present', () => {
    const message = buildTaskMessage({ task: 'tasks.add', args: ['ü', 1], queue: 'q', exchange: 'ex', routingKey: 'rk', priority: 5, expires: 30 }, 0);
    const merged = (properties: object) => JSON.stringify({
      body: message.body.toString('base64'),
      'content-encoding': message.contentEncoding,
      'content-type': message.contentType,
      headers: message.headers,
      properties: { ...properties, delivery_info: { exchange: 'ex', routing_key: 'rk' }, body_encoding: 'base64', delivery_tag: 'tag' },
    });
    expect(toRedisEnvelope(message, 'tag')).toBe(merged(message.properties));
    const redelivered = { ...message.properties, delivery_tag: 'old', body_encoding: 'utf-8' };
    expect(toRedisEnvelope({ ...message, properties: redelivered }, 'tag')).toBe(merged(redelivered));
    const bare = {} as typeof message.properties;
    expect(toRedisEnvelope({ ...message, properties: bare }, 'tag')).toBe(merged(bare));
  });

  it('reads envelopes back with the raw text kept for dead-lettering', () => {
    const raw = recorded('tasks.add').raw;
    const received = fromRedisEnvelope(raw, 'celery');
    expect(received.raw).toBe(raw);
    expect(received.queue).toBe('celery');
    expect(received.contentType).toBe('application/json');
    expect(received.body.toString()).toMatch(/^\[\[2, 3\]/);
  });

  it.each([
    ['not json', /invalid JSON/],
    ['[1]', /not a JSON object/],
    ['{"body": 1}', /"body" is not a string/],
    ['{"body": "", "properties": {"body_encoding": "rot13"}}', /body_encoding "rot13"/],
  ])('refuses %s', (raw, message) => {
    expect(() => fromRedisEnvelope(raw, 'q')).toThrow(MessageDecodeError);
    expect(() => fromRedisEnvelope(raw, 'q')).toThrow(message);
  });
});

describe('RedisEnvelopeTemplate', () => {
  it('renders what toRedisEnvelope gives for the message with the varying values put in', () => {
    fc.assert(fc.property(
      fc.array(fc.jsonValue(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
      fc.dictionary(fc.string().map((k) => `x_${k}`), fc.string(), { maxKeys: 2 }),
      fc.integer({ min: 0, max: 9 }), fc.array(fc.string(), { minLength: 4, maxLength: 4 }), fc.string(),
      (args, kwargs, custom, priority, [id, root, label, correlation], tag) => {
        const message = buildTaskMessage({ task: 'tasks.t', args, kwargs, priority, queue: 'q', headers: { ...custom, label: 'first' } }, 0);
        const template = new RedisEnvelopeTemplate(message, ['id', 'root_id', 'label'], ['correlation_id']);
        const expected = toRedisEnvelope({
          ...message,
          headers: { ...message.headers, id: id!, root_id: root!, label },
          properties: { ...message.properties, correlation_id: correlation! },
        }, tag);
        expect(template.render([id!, root!, label!, correlation!], tag)).toBe(expected);
      },
    ));
  });

  it('gives each envelope a fresh delivery tag unless one is given', () => {
    const template = new RedisEnvelopeTemplate(buildTaskMessage({ task: 't' }, 0), ['id'], []);
    const tags = [template.render(['a']), template.render(['a'])].map((raw) => JSON.parse(raw).properties.delivery_tag);
    expect(tags[0]).not.toBe(tags[1]);
  });

  it('refuses to vary a header the message does not have', () => {
    expect(() => new RedisEnvelopeTemplate(buildTaskMessage({ task: 't' }, 0), ['nope'], [])).toThrow(/no "nope" to vary/);
  });
});
