import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { DEAD_LETTER_KEY } from '../../src/broker/redis/keys.js';
import { RedisBroker } from '../../src/broker/redis/redis-broker.js';
import { REDIS_HOST, REDIS_PORT, redisRequirement, requireServices } from '../helpers/services.js';
import { deadLetterFromEnvelope, describeBrokerConformance } from './conformance.js';

// Broker tests own Redis DB 1 (docs/ARCHITECTURE.md); a key prefix per run (kombu's global_keyprefix)
// keeps this file's unacked hash apart from any other run's.
const URL = `redis://${REDIS_HOST}:${REDIS_PORT}/1`;
const prefix = `celeriac-test.${process.pid}.${Date.now().toString(36)}.`;

if (requireServices('redis broker', [await redisRequirement()])) {
  describeBrokerConformance('redis', {
    createBroker: (clock) => new RedisBroker(URL, URL, { clock, keyPrefix: prefix }),
    async deadLetters(_broker, queues) {
      const redis = new Redis(URL, { keyPrefix: prefix });
      try {
        const entries = (await redis.lrange(DEAD_LETTER_KEY, 0, -1)).map((e) => JSON.parse(e) as { queue: string; reason: string; message: string });
        return entries.filter((e) => queues.includes(e.queue)).map((e) => deadLetterFromEnvelope(e.queue, e.reason, e.message));
      } finally {
        redis.disconnect();
      }
    },
    async cleanup() {
      const redis = new Redis(URL);
      try {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    },
  });
} else {
  describe.skip('redis broker conformance (Redis not available)', () => {});
}
