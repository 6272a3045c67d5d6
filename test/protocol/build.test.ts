import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { buildTaskMessage } from '../../src/protocol/build.js';
import { decodeTaskMessage } from '../../src/protocol/decode.js';
import { fromRedisEnvelope, toRedisEnvelope } from '../../src/protocol/redis-envelope.js';
import { celeryMessages } from './celery-fixtures.js';

const NOW = Date.UTC(2026, 10, 24, 0, 53, 20, 280);

describe('buildTaskMessage', () => {
  it('writes the headers Celery 5.2.6 writes, in its order, with its defaults', () => {
    const message = buildTaskMessage({ task: 'tasks.add', args: [2, 3], id: 'f6e5aaaa-de33-4f96-939d-360bdc8869f0', origin: 'gen1@vm' }, NOW);
    const celery = JSON.parse(celeryMessages[0]!.raw) as { headers: Record<string, unknown> };
    expect(Object.keys(message.headers)).toEqual(Object.keys(celery.headers));
    expect(message.headers).toEqual({
      lang: 'py', task: 'tasks.add', id: 'f6e5aaaa-de33-4f96-939d-360bdc8869f0', shadow: null, eta: null, expires: null,
      group: null, group_index: null, retries: 0, timelimit: [null, null], root_id: 'f6e5aaaa-de33-4f96-939d-360bdc8869f0',
      parent_id: null, argsrepr: '(2, 3)', kwargsrepr: '{}', origin: 'gen1@vm', ignore_result: false,
    });
    expect(message.properties).toEqual({ correlation_id: message.headers.id, reply_to: '', priority: 0, delivery_mode: 2 });
    expect(message.route).toEqual({ queue: 'celery', exchange: '', routingKey: 'celery' });
    expect(message.contentType).toBe('application/json');
    expect(message.contentEncoding).toBe('utf-8');
    expect(JSON.parse(message.body.toString())).toEqual([[2, 3], {}, { callbacks: null, errbacks: null, chain: null, chord: null }]);
  });

  it('gives every message a fresh uuid4 id unless one is given', () => {
    const a = buildTaskMessage({ task: 't' }, NOW);
    const b = buildTaskMessage({ task: 't' }, NOW);
    expect(a.headers.id).not.toBe(b.headers.id);
    expect(a.headers.root_id).toBe(a.headers.id);
  });

  it('turns countdown into an eta and expires seconds into an ISO instant plus an expiration in ms', () => {
    const message = buildTaskMessage({ task: 't', countdown: 10, expires: 30 }, NOW);
    expect(message.headers.eta).toBe('2026-11-24T00:53:30.280000+00:00');
    expect(message.headers.expires).toBe('2026-11-24T00:53:50.280000+00:00');
    expect(message.properties.expiration).toBe('30000');
  });

  it('takes eta and expires as Dates or ISO text with an offset; a past expiry has expiration 0', () => {
    const message = buildTaskMessage({ task: 't', eta: '2026-11-24T08:00:00+08:00', expires: new Date(NOW - 5000) }, NOW);
    expect(message.headers.eta).toBe('2026-11-24T00:00:00+00:00');
    expect(message.headers.expires).toBe('2026-11-24T00:53:15.280000+00:00');
    expect(message.properties.expiration).toBe('0');
    expect(buildTaskMessage({ task: 't', expires: '2026-11-24T00:54:20.280Z' }, NOW).properties.expiration).toBe('60000');
  });

  it('carries routing, priority, limits, workflow fields and custom headers', () => {
    const link = { task: 'tasks.done', args: [7], kwargs: {}, options: {}, subtask_type: null, immutable: false };
    const message = buildTaskMessage({
      task: 't', queue: 'reports', priority: 6, timeLimit: 60, softTimeLimit: 50, retries: 2, rootId: 'r', parentId: 'p',
      group: 'g', groupIndex: 1, shadow: 'nice name', ignoreResult: true, callbacks: [link], chord: link,
      headers: { periodic_task_name: 'weekly', celeriac_occurrence: '2026-11-24T00:00:00.000Z' }, replyTo: 'reply-q',
    }, NOW);
    expect(message.route).toEqual({ queue: 'reports', exchange: '', routingKey: 'reports' });
    expect(message.properties.priority).toBe(6);
    expect(message.properties.reply_to).toBe('reply-q');
    expect(message.headers).toMatchObject({
      timelimit: [60, 50], retries: 2, root_id: 'r', parent_id: 'p', group: 'g', group_index: 1, shadow: 'nice name',
      ignore_result: true, periodic_task_name: 'weekly', celeriac_occurrence: '2026-11-24T00:00:00.000Z',
    });
    const [, , embed] = JSON.parse(message.body.toString()) as [unknown, unknown, Record<string, unknown>];
    expect(embed).toEqual({ callbacks: [link], errbacks: null, chain: null, chord: link });
  });

  it('compresses with zlib under the header Celery uses, application/x-gzip', () => {
    const message = buildTaskMessage({ task: 't', args: ['x'.repeat(1000)], compression: 'zlib' }, NOW);
    expect(message.headers.compression).toBe('application/x-gzip');
    expect(message.body.length).toBeLessThan(200);
    expect(JSON.parse(inflateSync(message.body).toString())[0]).toEqual(['x'.repeat(1000)]);
  });

  it('describes args and kwargs as Python would see them', () => {
    const message = buildTaskMessage({ task: 't', args: [1.5, 'it\'s', null, true], kwargs: { when: new Date(0), a: [1] } }, NOW);
    expect(message.headers.argsrepr).toBe("(1.5, 'it\\'s', None, True)");
    expect(message.headers.kwargsrepr).toBe("{'when': '1970-01-01T00:00:00.000Z', 'a': [1]}");
    expect(buildTaskMessage({ task: 't', args: [1], argsrepr: '(***)' }, NOW).headers.argsrepr).toBe('(***)');
  });

  it('round-trips through the Redis envelope and the decoder', () => {
    const message = buildTaskMessage({ task: 'tasks.add', args: [2, 3], kwargs: { z: 1 }, priority: 5, compression: 'zlib', expires: 30 }, NOW);
    const decoded = decodeTaskMessage(fromRedisEnvelope(toRedisEnvelope(message), 'celery'));
    expect(decoded.headers).toEqual(message.headers);
    expect(decoded.args).toEqual([2, 3]);
    expect(decoded.kwargs).toEqual({ z: 1 });
  });

  it.each([
    [{ task: '' }, /"task"/],
    [{ task: 't', priority: 10 }, /"priority" must be a whole number 0-9/],
    [{ task: 't', args: 'x' as unknown as unknown[] }, /"args" must be an array/],
    [{ task: 't', kwargs: [] as unknown as Record<string, unknown> }, /"kwargs" must be an object/],
    [{ task: 't', countdown: 1, eta: new Date() }, /"countdown" and "eta"/],
    [{ task: 't', expires: '2026-11-24T00:00:00' }, /"expires" must be .* with an offset/],
    [{ task: 't', compression: 'gzip' as 'zlib' }, /"compression" must be "zlib"/],
    [{ task: 't', headers: { id: 'x' } }, /"id" is a protocol header/],
  ])('refuses bad requests with a UsageError naming the field: %j', (request, message) => {
    expect(() => buildTaskMessage(request, NOW)).toThrow(UsageError);
    expect(() => buildTaskMessage(request, NOW)).toThrow(message);
  });
});
