import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Broker, Consumer, Delivery } from '../../src/broker/interfaces.js';
import { DEAD_LETTER_KEY, UNACKED_INDEX_KEY, UNACKED_KEY, UNACKED_MUTEX_KEY } from '../../src/broker/redis/keys.js';
import { RedisBroker } from '../../src/broker/redis/redis-broker.js';
import { buildTaskMessage } from '../../src/protocol/build.js';
import { redisQueueList } from '../../src/protocol/redis-envelope.js';
import { ManualClock } from '../../src/util/clock.js';
import { REDIS_HOST, REDIS_PORT, redisRequirement, redisServerBinaryRequirement, requireServices } from '../helpers/services.js';
import { RedisServer } from '../helpers/redis-server.js';
import { waitFor } from './conformance.js';

const URL = `redis://${REDIS_HOST}:${REDIS_PORT}/1`;
const prefix = `celeriac-test.kombu.${process.pid}.${Date.now().toString(36)}.`;
const hasRedis = requireServices('redis broker (kombu layout)', [await redisRequirement()]);
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(hasRedis)('RedisBroker keeps kombu\'s keys, so Python workers can share them', () => {
  const clock = new ManualClock(Date.UTC(2030, 0, 1));
  const redis = new Redis(URL, { keyPrefix: prefix, lazyConnect: true });
  const brokers: Broker[] = [];
  const consumers: Consumer[] = [];
  let n = 0;
  const queue = () => `kombu-layout.${n++}`;

  async function consume(queues: string[], visibilityTimeout = 3600): Promise<Delivery[]> {
    const broker = new RedisBroker(URL, URL, { clock, keyPrefix: prefix });
    brokers.push(broker);
    const received: Delivery[] = [];
    consumers.push(await broker.consume(queues, { prefetch: 1, visibilityTimeout }, (d) => received.push(d)));
    return received;
  }

  async function publish(q: string, priority = 0, id?: string) {
    const broker = new RedisBroker(URL, URL, { clock, keyPrefix: prefix });
    brokers.push(broker);
    const message = buildTaskMessage({ task: 'tasks.add', args: [1, 2], queue: q, priority, ...(id ? { id } : {}) }, clock.now());
    await broker.publish(message);
    return message;
  }

  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.cancel();
    for (const b of brokers.splice(0)) await b.close();
  });
  afterAll(async () => {
    await redis.connect().catch(() => undefined);
    const keys = await new Redis(URL).keys(`${prefix}*`);
    const raw = new Redis(URL);
    if (keys.length) await raw.del(...keys);
    raw.disconnect();
    redis.disconnect();
  });

  it('publishes like send_task: the binding set and an LPUSH onto the priority list', async () => {
    const q = queue();
    const message = await publish(q, 7);
    expect(await redis.smembers(`_kombu.binding.${q}`)).toEqual([`${q}\x06\x16\x06\x16${q}`]);
    const [raw] = await redis.lrange(redisQueueList(q, 7), 0, -1);
    expect(JSON.parse(raw!).headers.id).toBe(message.headers.id);
  });

  it('holds a delivery in unacked / unacked_index as [message, exchange, routing_key] until the ack', async () => {
    const q = queue();
    await publish(q);
    const received = await consume([q]);
    await waitFor(() => received.length === 1, 'the delivery');
    const tag = received[0]!.message.properties.delivery_tag as string;
    const entry = JSON.parse((await redis.hget(UNACKED_KEY, tag))!) as [{ headers: { id: string } }, string, string];
    expect(entry[0].headers.id).toBe(received[0]!.message.headers.id);
    expect(entry.slice(1)).toEqual(['', q]);
    expect(Number(await redis.zscore(UNACKED_INDEX_KEY, tag))).toBeCloseTo(clock.now() / 1000, 3);
    await received[0]!.ack();
    expect(await redis.hget(UNACKED_KEY, tag)).toBeNull();
    expect(await redis.zscore(UNACKED_INDEX_KEY, tag)).toBeNull();
  });

  it('leaves restoring to whoever holds unacked_mutex, then restores to the priority list marked redelivered', async () => {
    const q = queue();
    await publish(q, 6, 'kept-priority');
    const first = await consume([q], 30);
    await waitFor(() => first.length === 1, 'the delivery');
    await consumers.pop()!.cancel();
    await redis.set(UNACKED_MUTEX_KEY, 'a python worker', 'EX', 60);
    const second = await consume([q], 30);
    await clock.advance(31_000);
    await settle(200);
    expect(second).toHaveLength(0);
    await redis.del(UNACKED_MUTEX_KEY);
    await clock.advance(10_000);
    await waitFor(() => second.length === 1, 'the restored message');
    const restored = JSON.parse(second[0]!.message.raw) as { headers: Record<string, unknown>; properties: { priority: number; delivery_info: Record<string, unknown> } };
    expect(restored.headers.redelivered).toBe(true);
    expect(restored.properties.delivery_info.redelivered).toBe(true);
    expect(restored.properties.priority).toBe(6);
    expect(await redis.exists(UNACKED_MUTEX_KEY)).toBe(0);
    await second[0]!.ack();
  });

  it('dead-letters what is not a kombu message instead of delivering it', async () => {
    const q = queue();
    await redis.lpush(q, 'this is not json');
    await publish(q, 0, 'after-garbage');
    const received = await consume([q]);
    await waitFor(() => received.length === 1, 'the good message');
    expect(received[0]!.message.headers.id).toBe('after-garbage');
    const dead = (await redis.lrange(DEAD_LETTER_KEY, 0, -1)).map((e) => JSON.parse(e) as Record<string, string>);
    expect(dead.find((e) => e.queue === q)).toMatchObject({ message: 'this is not json', reason: expect.stringMatching(/invalid JSON/) });
  });

  it('dead-letters an envelope it had already recorded as unacked, and forgets the record', async () => {
    const q = queue();
    const bad = JSON.stringify({ body: 5, properties: { delivery_tag: `bad-${q}`, delivery_info: { exchange: '', routing_key: q } } });
    await redis.lpush(q, bad);
    await publish(q, 0, 'after-bad');
    const received = await consume([q]);
    await waitFor(() => received.length === 1, 'the good message');
    expect(await redis.hexists(UNACKED_KEY, `bad-${q}`)).toBe(0);
    const dead = (await redis.lrange(DEAD_LETTER_KEY, 0, -1)).map((e) => JSON.parse(e) as Record<string, string>);
    expect(dead.find((e) => e.queue === q)).toMatchObject({ message: bad, reason: expect.stringMatching(/"body" is not a string/) });
  });
});

describe.runIf(hasRedis && requireServices('redis broker reconnect', [redisServerBinaryRequirement()]))('RedisBroker across a Redis restart', () => {
  let server: RedisServer;
  beforeAll(async () => { server = await RedisServer.start({ aof: false }); });
  afterAll(() => server.stop());

  it('keeps consuming once Redis is back', async () => {
    const url = server.url(0);
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const consumerBroker = new RedisBroker(url, url, { clock });
    const received: Delivery[] = [];
    const consumer = await consumerBroker.consume(['restart'], { prefetch: 10 }, (d) => received.push(d));
    const publisher = new RedisBroker(url, url, { clock });
    try {
      await publisher.publish(buildTaskMessage({ task: 't', queue: 'restart', id: 'before' }, clock.now()));
      await waitFor(() => received.length === 1, 'the message before the restart');
      await server.kill();
      await settle(300);
      await server.restart();
      await publisher.publish(buildTaskMessage({ task: 't', queue: 'restart', id: 'after' }, clock.now()));
      await waitFor(() => received.length === 2, 'the message after the restart', 10_000);
      expect(received.map((d) => d.message.headers.id)).toEqual(['before', 'after']);
    } finally {
      await consumer.cancel();
      await consumerBroker.close();
      await publisher.close();
    }
  });
});
