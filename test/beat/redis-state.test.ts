import { Redis } from 'ioredis';
import { RedisBeatState } from '../../src/beat/state/redis-state.js';
import { redisRequirement, requireServices, REDIS_HOST, REDIS_PORT } from '../helpers/services.js';
import { beatStateConformance } from './state-conformance.js';
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
}
