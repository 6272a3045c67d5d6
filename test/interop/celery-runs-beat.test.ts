/**
 * Proof against real Python Celery 5: a Celery worker consumes what `celeriac beat` publishes to
 * Redis and runs it: args, kwargs, queue, priority and expires honoured, no decode errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { occurrenceTaskId } from '../../src/protocol/ids.js';
import { CliProcess } from '../helpers/cli-process.js';
import { REDIS_HOST, REDIS_PORT, pythonCeleryRequirement, redisRequirement, requireServices } from '../helpers/services.js';
import { sleep, waitUntil } from '../helpers/wait.js';
import { startCeleryWorker, type CeleryWorker } from './python/celery-worker.js';

const BROKER_URL = `redis://${REDIS_HOST}:${REDIS_PORT}/12`;
const run = `beat-interop-${process.pid}-${Date.now().toString(36)}`;
const RECORD = `${run}.record`;
const queues = { main: `${run}.main`, urgent: `${run}.urgent`, ignored: `${run}.ignored` };
const names = { add: `${run}-add`, urgent: `${run}-urgent`, expiring: `${run}-expiring`, elsewhere: `${run}-elsewhere` };

interface Ran { id: string; args: unknown[]; kwargs: Record<string, unknown>; routing_key: string; priority: number; periodic_task_name: string | null; celeriac_occurrence: string | null }

const available = requireServices('celery runs beat', [await redisRequirement(), pythonCeleryRequirement()]);

describe.runIf(available)('a Python Celery 5.2 worker runs what celeriac beat publishes to Redis', () => {
  const redis = new Redis(BROKER_URL);
  const dir = mkdtempSync(join(tmpdir(), 'celeriac-beat-interop-'));
  let worker: CeleryWorker | undefined;
  let ran: Ran[] = [];
  let queuedBeforeWorker: Record<string, number> = {};

  beforeAll(async () => {
    writeFileSync(join(dir, 'jobs.yaml'), `entries:
  ${names.add}:
    task: interop.record
    schedule: 1s
    args: [2, 3]
    kwargs: { name: "å☃", nested: { n: 1.5 } }
    options: { queue: ${queues.main} }
  ${names.urgent}:
    task: interop.record
    schedule: 1s
    options: { queue: ${queues.urgent}, priority: 6 }
  ${names.expiring}:
    task: interop.record
    schedule: 1s
    options: { queue: ${queues.main}, expires: 1 }
  ${names.elsewhere}:
    task: interop.record
    schedule: 1s
    options: { queue: ${queues.ignored} }
`);
    // Beat fills the queues first; the worker starts once every "expiring" message has expired.
    const beat = new CliProcess(['beat', '--broker', BROKER_URL, '--schedules', 'jobs.yaml'], { cwd: dir });
    try {
      await beat.waitFor(new RegExp(`(Sending due task ${names.add}[\\s\\S]*){3}`), 20_000);
      beat.signal('SIGTERM');
      expect(await beat.exited).toBe(0);
    } finally {
      beat.kill();
    }
    queuedBeforeWorker = {
      main: await redis.llen(queues.main),
      urgent: await redis.llen(`${queues.urgent}\x06\x166`),
      ignored: await redis.llen(queues.ignored),
    };
    await sleep(1500);
    worker = await startCeleryWorker({
      module: 'celeriac_interop_app', name: run, queues: [queues.main, queues.urgent],
      env: { CELERIAC_INTEROP_BROKER: BROKER_URL, CELERIAC_INTEROP_RECORD: RECORD },
    });
    const expected = queuedBeforeWorker.urgent! + queuedBeforeWorker.main! / 2;
    await waitUntil(async () => (await redis.llen(RECORD)) >= expected, `${expected} runs`, 20_000);
    await worker.waitForLog(new RegExp(`Discarding revoked task: interop\\.record`), 5000);
    ran = (await redis.lrange(RECORD, 0, -1)).map((line) => JSON.parse(line) as Ran);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await redis.del(RECORD, ...Object.values(queues), `${queues.urgent}\x06\x166`, ...Object.values(queues).map((q) => `_kombu.binding.${q}`));
    for (const key of ['celeriac:beat:meta', 'celeriac:beat:last', 'celeriac:beat:runs']) await redis.hdel(key, ...Object.values(names));
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const runsOf = (name: string) => ran.filter((r) => r.periodic_task_name === name);

  it('runs every occurrence with its args and kwargs, under its deterministic task id', () => {
    const adds = runsOf(names.add);
    expect(adds.length).toBeGreaterThanOrEqual(3);
    for (const r of adds) {
      expect(r).toMatchObject({ args: [2, 3], kwargs: { name: 'å☃', nested: { n: 1.5 } }, routing_key: queues.main });
    }
    for (const r of adds) expect(r.id).toBe(occurrenceTaskId(names.add, Date.parse(r.celeriac_occurrence!)));
    expect(new Set(adds.map((r) => r.id)).size).toBe(adds.length);
  });

  it('honours the queue and the priority', async () => {
    const urgent = runsOf(names.urgent);
    expect(urgent.length).toBe(queuedBeforeWorker.urgent);
    expect(urgent.every((r) => r.routing_key === queues.urgent && r.priority === 6)).toBe(true);
    expect(runsOf(names.elsewhere)).toEqual([]);
    expect(await redis.llen(queues.ignored)).toBe(queuedBeforeWorker.ignored);
  });

  it('revokes occurrences whose expires passed instead of running them', () => {
    expect(runsOf(names.expiring)).toEqual([]);
    expect(worker!.log()).toMatch(/Discarding revoked task: interop\.record/);
  });

  it('logs no decode errors or tracebacks', () => {
    expect(worker!.log()).not.toMatch(/Traceback|ContentDisallowed|DecodeError|unregistered task|Received invalid|ERROR\//);
  });
});
