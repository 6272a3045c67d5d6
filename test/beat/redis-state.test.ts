import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisBeatState } from '../../src/beat/state/redis-state.js';
import { redisBindingKey, redisBindingMember, redisQueueList } from '../../src/protocol/redis-envelope.js';
import { redisRequirement, requireServices, REDIS_HOST, REDIS_PORT } from '../helpers/services.js';
import { beatStateConformance, fakeMessage } from './state-conformance.js';
import { randomUUID } from 'node:crypto';

const REDIS_DB = 2;

if (requireServices('redis beat state', [await redisRequirement()])) {
  beatStateConformance('redis', async () => {
    const redis = new Redis({ host: REDIS_HOST, port: REDIS_PORT, db: REDIS_DB });
    const prefix = `test:${randomUUID()}:`;
    const list = `${prefix}queue`;
    const backend = new RedisBeatState(
      redis,
      (message) => ({ bindingKey: `${prefix}binding`, bindingMember: 'm', listKey: list, envelope: JSON.stringify({ id: message.headers.id }) }),
      'redis test',
      prefix,
    );
    return {
      backend,
      enqueuedIds: async () => (await redis.lrange(list, 0, -1)).reverse().map((raw) => (JSON.parse(raw) as { id: string }).id),
      cleanup: async () => {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
        await backend.close();
      },
    };
  });

  describe('redis beat state: kombu layout', () => {
    it('pushes a batch\'s messages (any UTF-8) onto each queue\'s priority lists in claim order and binds each queue', async () => {
      const redis = new Redis({ host: REDIS_HOST, port: REDIS_PORT, db: REDIS_DB });
      const prefix = `test:${randomUUID()}:`;
      const backend = new RedisBeatState(redis, (message) => ({
        bindingKey: redisBindingKey(message.route),
        bindingMember: redisBindingMember(message.route),
        listKey: redisQueueList(message.route.queue, message.properties.priority),
        envelope: message.headers.id,
      }), 'redis test', prefix);
      const [q1, q2] = [`${prefix}q1`, `${prefix}q2`];
      const message = (id: string, queue: string, priority = 0) => {
        const m = fakeMessage(id, queue);
        return { ...m, properties: { ...m.properties, priority } };
      };
      try {
        await backend.register(['a', 'b', 'c'].map((name) => ({ name, fingerprint: 'f', enabled: true })), 0);
        await backend.claim([
          { name: 'a', expectedLastRunMs: null, lastRunMs: 1, messages: [message('å1', q1), message('a2', q2, 9)] },
          { name: 'b', expectedLastRunMs: 5, lastRunMs: 6, messages: [message('refused', q1)] },
          { name: 'c', expectedLastRunMs: null, lastRunMs: 1, messages: [message('c1', q1), message('日本c2', q2, 9), message('c3 "x"', q2)] },
        ]);
        const oldestFirst = async (list: string) => (await redis.lrange(list, 0, -1)).reverse();
        expect(await oldestFirst(q1)).toEqual(['å1', 'c1']);
        expect(await oldestFirst(redisQueueList(q2, 9))).toEqual(['a2', '日本c2']);
        expect(await oldestFirst(q2)).toEqual(['c3 "x"']);
        expect(await redis.smembers(`_kombu.binding.${q1}`)).toEqual([redisBindingMember({ queue: q1, exchange: '', routingKey: q1 })]);
        expect(await redis.smembers(`_kombu.binding.${q2}`)).toEqual([redisBindingMember({ queue: q2, exchange: '', routingKey: q2 })]);
      } finally {
        await redis.del(q1, q2, redisQueueList(q2, 9), `_kombu.binding.${q1}`, `_kombu.binding.${q2}`, ...(await redis.keys(`${prefix}*`)));
        await backend.close();
      }
    });
  });
}
