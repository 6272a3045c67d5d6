/**
 * A mixed fleet: one Python Celery worker and one celeriac worker consume the same Redis queue.
 * 1,000 tasks go in; each must run exactly once, whichever worker takes it.
 */
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Celeriac } from '../../src/worker/app.js';
import { REDIS_HOST, REDIS_PORT, pythonCeleryRequirement, redisRequirement, requireServices } from '../helpers/services.js';
import { CliWorker } from '../worker/support/cli-worker.js';
import { startCeleryWorker, type CeleryWorker } from './python/celery-worker.js';

const BROKER_URL = `redis://${REDIS_HOST}:${REDIS_PORT}/13`;
const run = `celeriac-fleet.${process.pid}.${Date.now().toString(36)}`;
const RECORD = `${run}.record`;
const QUEUE = `${run}.shared`;
const MODULE = fileURLToPath(new URL('../worker/fixtures/interop-app.ts', import.meta.url));
const env = { CELERIAC_INTEROP_BROKER: BROKER_URL, CELERIAC_INTEROP_RECORD: RECORD };
const TASKS = 1000;

const available = requireServices('mixed Python/celeriac fleet', [await redisRequirement(), pythonCeleryRequirement()]);

describe.runIf(available)('one Python and one celeriac worker on one queue', () => {
  const redis = new Redis(BROKER_URL);
  const client = new Celeriac({ broker: BROKER_URL });
  let python: CeleryWorker | undefined;
  let celeriac: CliWorker | undefined;

  beforeAll(async () => {
    celeriac = new CliWorker(['-A', MODULE, '-Q', QUEUE, '-c', '10', '--broker', BROKER_URL], { env });
    python = await startCeleryWorker({ module: 'celeriac_worker_interop', name: `${run}.py`, queues: [QUEUE], env });
    await celeriac.waitFor(/ready\./);
  }, 60_000);

  afterAll(async () => {
    celeriac?.kill();
    await python?.stop();
    await client.close();
    const keys = await redis.keys(`${run}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('runs each of 1,000 tasks exactly once', async () => {
    const sent = Array.from({ length: TASKS }, (_, n) => client.sendTask('fleet.record', [n], {}, { queue: QUEUE, ignoreResult: true }));
    await Promise.all(sent.map((result) => result.sent));
    const deadline = Date.now() + 60_000;
    while ((await redis.llen(RECORD)) < TASKS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // A duplicate would arrive after the 1,000th record: give stragglers a moment.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const runs = (await redis.lrange(RECORD, 0, -1)).map((line) => JSON.parse(line) as { id: string; n: number; by: string });
    const byId = new Map<string, number>();
    for (const ran of runs) byId.set(ran.id, (byId.get(ran.id) ?? 0) + 1);
    expect(runs).toHaveLength(TASKS);
    expect(new Set(sent.map((result) => result.id))).toEqual(new Set(byId.keys()));
    expect([...byId.values()].every((count) => count === 1)).toBe(true);
    const counts = { python: runs.filter((r) => r.by === 'python').length, celeriac: runs.filter((r) => r.by === 'celeriac').length };
    expect(counts.python).toBeGreaterThan(0);
    expect(counts.celeriac).toBeGreaterThan(0);
    process.stderr.write(`mixed fleet: python ran ${counts.python}, celeriac ran ${counts.celeriac}\n`);
  }, 90_000);
});
