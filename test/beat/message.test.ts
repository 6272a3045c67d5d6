import { describe, expect, it } from 'vitest';
import { buildOccurrenceMessage } from '../../src/beat/message.js';
import { decodeTaskMessage } from '../../src/protocol/decode.js';
import { fromRedisEnvelope, toRedisEnvelope } from '../../src/protocol/redis-envelope.js';
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
