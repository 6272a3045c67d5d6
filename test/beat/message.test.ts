import { describe, expect, it } from 'vitest';
import { buildOccurrenceMessage, OccurrenceMessage, OccurrenceMessages } from '../../src/beat/message.js';
import { decodeTaskMessage } from '../../src/protocol/decode.js';
import { fromRedisEnvelope, redisBindingKey, redisBindingMember, redisQueueList, toRedisEnvelope } from '../../src/protocol/redis-envelope.js';
import { occurrenceTaskId } from '../../src/protocol/ids.js';
import { parseEntry } from '../../src/schedule/entry.js';

const T = Date.UTC(2026, 5, 1, 9, 30);

describe('buildOccurrenceMessage', () => {
  const entry = parseEntry('report', {
    task: 'reports.weekly', schedule: '0 9 * * mon', args: [1, 'two'], kwargs: { format: 'pdf' },
    options: { queue: 'reports', priority: 6, headers: { team: 'ops' } },
  });

  it('carries the entry, its occurrence and the deterministic id of that occurrence', () => {
    const message = buildOccurrenceMessage(entry, T, T + 250);
    const id = occurrenceTaskId('report', T);
    expect(message.headers).toMatchObject({
      task: 'reports.weekly', id, root_id: id, periodic_task_name: 'report', celeriac_occurrence: '2026-06-01T09:30:00.000Z', team: 'ops', argsrepr: "(1, 'two')",
    });
    expect(message.properties).toMatchObject({ correlation_id: id, priority: 6 });
    expect(message.route).toEqual({ queue: 'reports', exchange: '', routingKey: 'reports' });
    const decoded = decodeTaskMessage(fromRedisEnvelope(toRedisEnvelope(message), 'reports'));
    expect(decoded.args).toEqual([1, 'two']);
    expect(decoded.kwargs).toEqual({ format: 'pdf' });
  });

  it('gives each occurrence its own id and instant, leaving earlier messages untouched', () => {
    const first = buildOccurrenceMessage(entry, T, T);
    const second = buildOccurrenceMessage(entry, T + 7 * 86_400_000, T + 7 * 86_400_000);
    expect(second.headers.id).toBe(occurrenceTaskId('report', T + 7 * 86_400_000));
    expect(second.headers.celeriac_occurrence).toBe('2026-06-08T09:30:00.000Z');
    expect(first.headers.id).toBe(occurrenceTaskId('report', T));
    expect(first.headers.celeriac_occurrence).toBe('2026-06-01T09:30:00.000Z');
  });

  it('counts a relative expires from the moment of sending', () => {
    const expiring = parseEntry('e', { task: 't', schedule: '10s', options: { expires: 30 } });
    const late = buildOccurrenceMessage(expiring, T, T + 5000);
    expect(late.headers.expires).toBe('2026-06-01T09:30:35+00:00');
    expect(late.properties.expiration).toBe('30000');
    const later = buildOccurrenceMessage(expiring, T + 10_000, T + 10_000);
    expect(later.headers.expires).toBe('2026-06-01T09:30:40+00:00');
  });
});

describe('OccurrenceMessages', () => {
  it('builds each occurrence of an entry as a whole build would', () => {
    const entry = parseEntry('report', { task: 'reports.weekly', schedule: '0 9 * * mon', args: [1], options: { queue: 'reports', priority: 6, headers: { team: 'ops' } } });
    const messages = new OccurrenceMessages(entry);
    for (const at of [T, T + 7 * 86_400_000]) {
      const message = messages.build(at, at);
      const whole = buildOccurrenceMessage(entry, at, at);
      expect(message.headers).toEqual(whole.headers);
      expect(Object.keys(message.headers)).toEqual(Object.keys(whole.headers));
      expect(message.properties).toEqual(whole.properties);
      expect(message.body.equals(whole.body)).toBe(true);
    }
  });

  it('shares the message built for one entry with entries sending the same task, arguments and options', () => {
    const a = new OccurrenceMessages(parseEntry('a', { task: 't', schedule: 10, args: [1], options: { queue: 'q' } }));
    const b = new OccurrenceMessages(parseEntry('b', { task: 't', schedule: 20, args: [1], options: { queue: 'q' } }));
    const c = new OccurrenceMessages(parseEntry('c', { task: 't', schedule: 10, args: [2], options: { queue: 'q' } }));
    const [fromA, fromB, fromC] = [a.build(T, T), b.build(T, T), c.build(T, T)];
    expect(fromB.body).toBe(fromA.body);
    expect(fromC.body).not.toBe(fromA.body);
    expect(fromA.headers).toMatchObject({ periodic_task_name: 'a', id: occurrenceTaskId('a', T) });
    expect(fromB.headers).toMatchObject({ periodic_task_name: 'b', id: occurrenceTaskId('b', T) });
    expect(fromC.headers.argsrepr).toBe('(2,)');
  });

  it('places each occurrence on Redis exactly as kombu\'s layout of that message', () => {
    const entry = parseEntry('r\u00e9port "q"', { task: 'reports.weekly', schedule: 10, args: [1], options: { queue: 'reports', priority: 6, headers: { team: 'ops' } } });
    const messages = new OccurrenceMessages(entry);
    for (const at of [T, T + 10_000]) {
      const message = messages.build(at, at) as OccurrenceMessage;
      expect(message).toBeInstanceOf(OccurrenceMessage);
      const placement = message.redisPlacement();
      const tag = (JSON.parse(placement.envelope) as { properties: { delivery_tag: string } }).properties.delivery_tag;
      expect(placement).toEqual({
        bindingKey: redisBindingKey(message.route),
        bindingMember: redisBindingMember(message.route),
        listKey: redisQueueList('reports', 6),
        envelope: toRedisEnvelope(message, tag),
      });
    }
  });
});
