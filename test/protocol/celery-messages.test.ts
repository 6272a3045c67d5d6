import { describe, expect, it } from 'vitest';
import { decodeTaskMessage } from '../../src/protocol/decode.js';
import { MessageDecodeError } from '../../src/protocol/errors.js';
import { parseIsoInstant } from '../../src/protocol/iso-time.js';
import { fromRedisEnvelope, queueOfRedisList, redisQueueList } from '../../src/protocol/redis-envelope.js';
import { celeryMessages, celeryRecording, recorded } from './celery-fixtures.js';

function decodeRecorded(task: string) {
  const message = recorded(task);
  return { message, decoded: decodeTaskMessage(fromRedisEnvelope(message.raw, queueOfRedisList(message.list))) };
}

describe('messages sent by Python Celery decode correctly', () => {
  it('every JSON message keeps its task, id, args and kwargs', () => {
    for (const message of celeryMessages.filter((m) => m.sent.options.serializer !== 'pickle')) {
      const decoded = decodeTaskMessage(fromRedisEnvelope(message.raw, queueOfRedisList(message.list)));
      expect(decoded.headers.task).toBe(message.sent.task);
      expect(decoded.headers.id).toBe(message.sent.id);
      expect(decoded.args).toEqual(message.sent.args);
      expect(decoded.kwargs).toEqual(message.sent.kwargs);
    }
  });

  it('priority 5 lands on the priority-3 list and expires is an instant', () => {
    const { message, decoded } = decodeRecorded('tasks.add');
    expect(message.list).toBe(redisQueueList('celery', 5));
    const received = fromRedisEnvelope(message.raw, 'celery');
    expect(received.properties.priority).toBe(5);
    expect(parseIsoInstant(decoded.headers.expires!)?.ms).toBe(parseIsoInstant(celeryRecording.expires)!.ms);
    expect(received.properties.expiration).toMatch(/^\d+$/);
  });

  it('zlib compression (header application/x-gzip) with an eta and unicode kwargs', () => {
    const { message, decoded } = decodeRecorded('tasks.mul');
    expect(message.list).toBe('reports');
    expect(decoded.headers.compression).toBe('application/x-gzip');
    expect(decoded.headers.eta).toBe(celeryRecording.eta);
    expect(decoded.kwargs.c).toBe('å☃');
  });

  it('bzip2 compression (header application/x-bz2) at priority 9', () => {
    const { message, decoded } = decodeRecorded('tasks.big');
    expect(message.list).toBe(redisQueueList('reports', 9));
    expect(decoded.headers.compression).toBe('application/x-bz2');
    expect(decoded.args).toEqual(['word '.repeat(200)]);
  });

  it('callbacks arrive in the embed', () => {
    const { decoded } = decodeRecorded('tasks.linked');
    expect(decoded.embed.callbacks).toEqual([expect.objectContaining({ task: 'tasks.done', args: [7] })]);
    expect(decoded.embed.errbacks).toBeNull();
  });

  it('a protocol 1 message becomes protocol 2 headers', () => {
    const { decoded } = decodeRecorded('tasks.legacy');
    expect(decoded.headers).toMatchObject({ task: 'tasks.legacy', id: '00000000-0000-4000-8000-000000000009', root_id: '00000000-0000-4000-8000-000000000009', eta: celeryRecording.eta, argsrepr: '(4, 5)', kwargsrepr: "{'k': 'v'}", retries: 0 });
    expect(decoded.args).toEqual([4, 5]);
    expect(decoded.kwargs).toEqual({ k: 'v' });
  });

  it('a pickled message is refused, never unpickled', () => {
    const message = recorded('tasks.pickled');
    expect(() => decodeTaskMessage(fromRedisEnvelope(message.raw, 'celery'))).toThrow(MessageDecodeError);
    expect(() => decodeTaskMessage(fromRedisEnvelope(message.raw, 'celery'))).toThrow(/application\/x-python-serialize.*application\/json only/);
  });
});
