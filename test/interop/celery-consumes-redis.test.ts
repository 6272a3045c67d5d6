/**
 * Proof against real Python Celery 5: a Celery worker consumes the messages celeriac publishes to
 * Redis and runs them as if Python had sent them.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBroker } from '../../src/broker/redis/redis-broker.js';
import { buildTaskMessage } from '../../src/protocol/build.js';
import type { TaskRequest } from '../../src/protocol/types.js';
import { REDIS_HOST, REDIS_PORT, pythonCeleryRequirement, redisRequirement, requireServices } from '../helpers/services.js';
import { startCeleryWorker, type CeleryWorker } from './python/celery-worker.js';

// Interop tests use Redis DBs 11-13 (docs/ARCHITECTURE.md); queue and record names are unique per run.
const BROKER_URL = `redis://${REDIS_HOST}:${REDIS_PORT}/11`;
const run = `celeriac-interop.${process.pid}.${Date.now().toString(36)}`;
const RECORD = `${run}.record`;
// kombu's global_keyprefix on both sides: everything this run leaves (even the unacked hash, which
// holds eta messages a killed worker never acked) is under one prefix and removed afterwards.
const PREFIX = `${run}:`;
const queues = { main: `${run}.main`, other: `${run}.other`, priority: `${run}.priority`, ignored: `${run}.ignored` };

interface Ran {
  id: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  routing_key: string;
  priority: number;
  eta: string | null;
  ran_at: number;
  periodic_task_name: string | null;
}

const available = requireServices('celery consumes redis', [await redisRequirement(), pythonCeleryRequirement()]);

describe.runIf(available)('a Python Celery 5.2 worker runs what celeriac publishes to Redis', () => {
  const redis = new Redis(BROKER_URL, { keyPrefix: PREFIX });
  const broker = new RedisBroker(BROKER_URL, BROKER_URL, { keyPrefix: PREFIX });
  let worker: CeleryWorker | undefined;
  let ran: Ran[] = [];
  let publishedAt = 0;

  const send = (request: Omit<TaskRequest, 'task'>) => broker.publish(buildTaskMessage({ task: 'interop.record', ...request }, Date.now()));

  beforeAll(async () => {
    // Everything is queued before the worker starts, so it finds each list full and the order it
    // runs them in shows how it reads priorities.
    publishedAt = Date.now();
    await send({ id: 'plain', queue: queues.main, args: [2, 3], kwargs: { name: 'å☃', nested: { list: [1, null, true], n: 1.5 } } });
    await send({ id: 'zlib', queue: queues.main, args: ['x'.repeat(5000)], compression: 'zlib' });
    await send({ id: 'expired', queue: queues.main, args: [], expires: new Date(publishedAt - 60_000) });
    await send({ id: 'not-yet-expired', queue: queues.main, args: [], expires: 300 });
    await send({ id: 'eta', queue: queues.main, args: [], countdown: 2 });
    await send({ id: 'beat-headers', queue: queues.main, args: [], headers: { periodic_task_name: 'every-minute', celeriac_occurrence: new Date(0).toISOString() } });
    await send({ id: 'on-other-queue', queue: queues.other, args: [] });
    await send({ id: 'never-consumed', queue: queues.ignored, args: [] });
    for (const [id, priority] of [['p9', 9], ['p6', 6], ['p0', 0], ['p3', 3]] as const) {
      await send({ id, queue: queues.priority, args: [], priority });
    }
    worker = await startCeleryWorker({
      module: 'celeriac_interop_app', name: run, queues: [queues.priority, queues.main, queues.other],
      env: { CELERIAC_INTEROP_BROKER: BROKER_URL, CELERIAC_INTEROP_RECORD: RECORD, CELERIAC_INTEROP_KEYPREFIX: PREFIX },
    });
    const expected = 10;
    const deadline = Date.now() + 20_000;
    while ((await redis.llen(RECORD)) < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await worker.waitForLog(/Discarding revoked task: interop\.record\[expired\]/, 2000).catch(() => undefined);
    ran = (await redis.lrange(RECORD, 0, -1)).map((line) => JSON.parse(line) as Ran);
  }, 40_000);

  afterAll(async () => {
    await worker?.stop();
    await broker.close();
    const raw = new Redis(BROKER_URL);
    const keys = await raw.keys(`${PREFIX}*`);
    if (keys.length) await raw.del(...keys);
    raw.disconnect();
    redis.disconnect();
  });

  const byId = (id: string) => ran.find((r) => r.id === id);

  it('runs tasks with their args and kwargs intact', () => {
    expect(byId('plain')).toMatchObject({ args: [2, 3], kwargs: { name: 'å☃', nested: { list: [1, null, true], n: 1.5 } }, routing_key: queues.main });
  });

  it('reads zlib-compressed bodies', () => {
    expect(byId('zlib')?.args).toEqual(['x'.repeat(5000)]);
  });

  it('revokes an expired message instead of running it, and runs one that has not expired', () => {
    expect(byId('expired')).toBeUndefined();
    expect(worker!.log()).toMatch(/Discarding revoked task: interop\.record\[expired\]/);
    expect(byId('not-yet-expired')).toBeDefined();
  });

  it('honours the eta', () => {
    const eta = byId('eta');
    expect(eta?.eta).toBeTruthy();
    expect(eta!.ran_at * 1000).toBeGreaterThanOrEqual(publishedAt + 2000 - 50);
  });

  it('routes by queue: each message runs from its own queue, and queues it does not consume stay untouched', async () => {
    expect(byId('on-other-queue')?.routing_key).toBe(queues.other);
    expect(byId('never-consumed')).toBeUndefined();
    expect(await redis.llen(queues.ignored)).toBe(1);
  });

  it('runs higher-priority (lower number) messages first', () => {
    const order = ran.filter((r) => r.routing_key === queues.priority).map((r) => r.id);
    expect(order).toEqual(['p0', 'p3', 'p6', 'p9']);
    expect(byId('p6')?.priority).toBe(6);
  });

  it('passes custom headers through to the task request', () => {
    expect(byId('beat-headers')?.periodic_task_name).toBe('every-minute');
  });

  it('logs no decode errors or tracebacks', () => {
    const log = worker!.log();
    expect(log).not.toMatch(/Traceback|ContentDisallowed|DecodeError|unregistered task|Received invalid|ERROR\//);
    expect(log).toMatch(/Task interop\.record\[plain\] succeeded/);
  });
});
