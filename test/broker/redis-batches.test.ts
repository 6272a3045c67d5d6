import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Broker, Consumer, Delivery } from '../../src/broker/interfaces.js';
import { DEAD_LETTER_KEY, UNACKED_INDEX_KEY, UNACKED_KEY } from '../../src/broker/redis/keys.js';
import { RedisBroker } from '../../src/broker/redis/redis-broker.js';
import { buildTaskMessage } from '../../src/protocol/build.js';
import { toRedisEnvelope } from '../../src/protocol/redis-envelope.js';
import { ManualClock } from '../../src/util/clock.js';
import { REDIS_HOST, REDIS_PORT, redisRequirement, requireServices } from '../helpers/services.js';
import { waitFor } from './conformance.js';

// Broker tests own Redis DB 1; a key prefix per run keeps this file's unacked hash to itself.
const URL = `redis://${REDIS_HOST}:${REDIS_PORT}/1`;
const prefix = `celeriac-test.batches.${process.pid}.${Date.now().toString(36)}.`;
const hasRedis = requireServices('redis broker (batches)', [await redisRequirement()]);
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(hasRedis)('RedisBroker takes and acks many messages per round trip, as single BRPOPs and acks would', () => {
  const clock = new ManualClock(Date.UTC(2030, 0, 1));
  const redis = new Redis(URL, { keyPrefix: prefix });
  const brokers: Broker[] = [];
  const consumers: Consumer[] = [];
  let n = 0;
  const queue = (name: string) => `batches.${n++}.${name}`;

  function broker(keyPrefix = prefix): RedisBroker {
    const made = new RedisBroker(URL, URL, { clock, keyPrefix });
    brokers.push(made);
    return made;
  }

  async function consume(queues: string[], prefetch: number, from = broker()): Promise<Delivery[]> {
    const received: Delivery[] = [];
    consumers.push(await from.consume(queues, { prefetch }, (d) => received.push(d)));
    return received;
  }

  async function publish(q: string, id: string, priority = 0, to = broker()): Promise<void> {
    await to.publish(buildTaskMessage({ task: 'tasks.batch', queue: q, id, priority }, clock.now()));
  }

  const ids = (deliveries: Delivery[]) => deliveries.map((d) => d.message.headers.id);

  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.cancel();
    for (const b of brokers.splice(0)) await b.close();
  });
  afterAll(async () => {
    const raw = new Redis(URL);
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length) await raw.del(...keys);
    raw.disconnect();
    redis.disconnect();
  });

  it('takes a whole batch in kombu order: priority step first, then the queues in turns, FIFO', async () => {
    const [first, second] = [queue('first'), queue('second')];
    await publish(second, 'second-1');
    await publish(first, 'first-1');
    await publish(first, 'first-2');
    await publish(second, 'second-2');
    await publish(first, 'first-low', 9);
    await publish(second, 'second-mid', 4);
    // Everything waits before the consumer starts, so its first reserve takes all six at once.
    const received = await consume([first, second], 10);
    await waitFor(() => received.length === 6, 'six deliveries');
    expect(ids(received)).toEqual(['first-1', 'second-1', 'first-2', 'second-2', 'second-mid', 'first-low']);
  });

  it('reserves no more than the prefetch has room for: the rest stay in the list', async () => {
    const q = queue('room');
    for (let i = 0; i < 10; i++) await publish(q, `m${i}`);
    const received = await consume([q], 3);
    await waitFor(() => received.length === 3, 'three deliveries');
    await settle(100);
    expect([received.length, await redis.llen(q)]).toEqual([3, 7]);
    const tags = (deliveries: Delivery[]) => deliveries.map((d) => d.message.properties.delivery_tag as string);
    expect(await redis.hmget(UNACKED_KEY, ...tags(received))).not.toContain(null);
    await Promise.all(received.slice(0, 2).map((d) => d.ack()));
    await waitFor(() => received.length === 5, 'two more after two acks');
    await settle(100);
    expect([received.length, await redis.llen(q)]).toEqual([5, 5]);
    expect(ids(received)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('keeps the order of a batch around an unreadable envelope and one without a delivery tag', async () => {
    const own = `${prefix}mixed.`;
    const b = broker(own);
    const raw = new Redis(URL, { keyPrefix: own });
    const q = queue('mixed');
    try {
      await publish(q, 'good-1', 0, b);
      await raw.lpush(q, 'not json at all');
      const tagless = JSON.parse(toRedisEnvelope(buildTaskMessage({ task: 'tasks.batch', queue: q, id: 'tagless' }, clock.now()))) as { properties: Record<string, unknown> };
      delete tagless.properties.delivery_tag;
      await raw.lpush(q, JSON.stringify(tagless));
      await publish(q, 'good-2', 0, b);
      const received = await consume([q], 10, b);
      await waitFor(() => received.length === 3, 'three deliveries');
      expect(ids(received)).toEqual(['good-1', 'tagless', 'good-2']);
      const dead = (await raw.lrange(DEAD_LETTER_KEY, 0, -1)).map((e) => JSON.parse(e) as Record<string, string>);
      expect(dead).toMatchObject([{ queue: q, message: 'not json at all', reason: expect.stringMatching(/invalid JSON/) }]);
      // The tagless one was recorded under a tag of its own, so it too would come back if never acked.
      expect([await raw.hlen(UNACKED_KEY), await raw.zcard(UNACKED_INDEX_KEY)]).toEqual([3, 3]);
      await Promise.all(received.map((d) => d.ack()));
      expect([await raw.hlen(UNACKED_KEY), await raw.zcard(UNACKED_INDEX_KEY)]).toEqual([0, 0]);
    } finally {
      raw.disconnect();
    }
  });

  it('acknowledges the deliveries of one turn with one ZREM and one HDEL of all their tags', async () => {
    const q = queue('acks');
    for (let i = 0; i < 5; i++) await publish(q, `m${i}`);
    const received = await consume([q], 5);
    await waitFor(() => received.length === 5, 'five deliveries');
    const monitor = await redis.duplicate().monitor();
    const commands: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[1] === `${prefix}${UNACKED_KEY}` || args[1] === `${prefix}${UNACKED_INDEX_KEY}`) commands.push(args);
    });
    try {
      await Promise.all(received.map((d) => d.ack()));
      await waitFor(() => commands.length >= 2, 'the acks on the monitor');
      await settle(50);
      const tags = received.map((d) => d.message.properties.delivery_tag as string);
      expect(commands.map(([command, , ...rest]) => [command!.toLowerCase(), rest])).toEqual([['zrem', tags], ['hdel', tags]]);
    } finally {
      monitor.disconnect();
    }
  });

  it('rejects every ack of a batch Redis refuses', async () => {
    const own = `${prefix}refused.`;
    const b = broker(own);
    const q = queue('refused');
    await publish(q, 'a', 0, b);
    await publish(q, 'b', 0, b);
    const received = await consume([q], 2, b);
    await waitFor(() => received.length === 2, 'two deliveries');
    const raw = new Redis(URL, { keyPrefix: own });
    try {
      await raw.del(UNACKED_KEY);
      await raw.set(UNACKED_KEY, 'not a hash');
      const acks = received.map((d) => d.ack().then(() => 'acked', (error: Error) => error.message));
      expect(await Promise.all(acks)).toEqual(Array(2).fill(expect.stringMatching(/acknowledging 2 message\(s\) failed: WRONGTYPE/)));
    } finally {
      await raw.del(UNACKED_KEY);
      raw.disconnect();
    }
  });
});
