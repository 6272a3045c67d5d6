/**
 * Proof against real Python Celery 5: Python clients use a celeriac worker (results through Redis,
 * failures as exceptions, chains and links), and a celeriac client uses a Python Celery worker.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Celeriac } from '../../src/worker/app.js';
import { TaskFailedError } from '../../src/worker/errors.js';
import { PYTHON, REDIS_HOST, REDIS_PORT, pythonCeleryRequirement, redisRequirement, requireServices } from '../helpers/services.js';
import { CliWorker } from '../worker/support/cli-worker.js';
import { PYTHON_APP_DIR, startCeleryWorker, type CeleryWorker } from './python/celery-worker.js';

// Worker interop uses Redis DB 12 (docs/ARCHITECTURE.md: interop 11-13); names are unique per run.
const BROKER_URL = `redis://${REDIS_HOST}:${REDIS_PORT}/12`;
const run = `celeriac-worker-interop.${process.pid}.${Date.now().toString(36)}`;
const RECORD = `${run}.record`;
const CELERIAC_QUEUE = `${run}.celeriac`;
const PYTHON_QUEUE = `${run}.python`;
const MODULE = fileURLToPath(new URL('../worker/fixtures/interop-app.ts', import.meta.url));
const env = { CELERIAC_INTEROP_BROKER: BROKER_URL, CELERIAC_INTEROP_RECORD: RECORD };

const available = requireServices('worker interop with Python clients', [await redisRequirement(), pythonCeleryRequirement()]);

async function pythonClient(scenario: string): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(PYTHON, ['celeriac_worker_interop.py', scenario, CELERIAC_QUEUE], {
    cwd: PYTHON_APP_DIR, env: { ...process.env, ...env }, timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

describe.runIf(available)('Python Celery clients and a celeriac worker', () => {
  let worker: CliWorker;

  beforeAll(async () => {
    worker = new CliWorker(['-A', MODULE, '-Q', CELERIAC_QUEUE, '-c', '10', '--broker', BROKER_URL, '--result-backend', BROKER_URL], { env });
    await worker.waitFor(/ready\./);
  });
  afterAll(() => worker?.kill());

  it("returns a result that Python's AsyncResult.get() reads", async () => {
    const seen = await pythonClient('add');
    expect(seen).toMatchObject({ value: 5, state: 'SUCCESS' });
    expect(seen.date_done).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    expect(worker.stderr).toMatch(/Task tasks\.add\[[0-9a-f-]+\] succeeded in [0-9.]+s: 5/);
  });

  it('raises failures in Python as exceptions, builtins keeping their Python class', async () => {
    const seen = await pythonClient('failures');
    expect(seen['tasks.fail']).toMatchObject({ type: 'RangeError', args: ['failed: from python'], is_type_error: false });
    expect(seen['tasks.type_error']).toMatchObject({ type: 'TypeError', module: 'builtins', args: ['not a number'], is_type_error: true });
  });

  it("runs Python's chain step by step", async () => {
    expect(await pythonClient('chain')).toEqual({ value: 113, parent_value: 13 });
  });

  it("sends Python's link callbacks with the result and link_error errbacks with the failed id", async () => {
    const seen = await pythonClient('link');
    expect(seen.callback_value).toBe(1005);
    expect(seen.errback_saw).toBe(seen.failed_id);
  });
});

describe.runIf(available)('a celeriac client and a Python Celery worker', () => {
  let python: CeleryWorker;
  const client = new Celeriac({ broker: BROKER_URL, resultBackend: BROKER_URL });

  beforeAll(async () => {
    python = await startCeleryWorker({ module: 'celeriac_worker_interop', name: `${run}.py`, queues: [PYTHON_QUEUE], env });
  });
  afterAll(async () => {
    await python?.stop();
    await client.close();
  });

  it('awaits the result of a task run by Python', async () => {
    expect(await client.sendTask('py.mul', [6, 7], {}, { queue: PYTHON_QUEUE }).get({ timeout: 15_000 })).toBe(42);
  });

  it("throws Python's exception as TaskFailedError", async () => {
    const error = await client.sendTask('py.fail', [], {}, { queue: PYTHON_QUEUE }).get({ timeout: 15_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ excType: 'ZeroDivisionError', excModule: 'builtins', excMessage: ['division by zero'] });
    expect((error as TaskFailedError).remoteTraceback).toContain('Traceback (most recent call last)');
  });
});

afterAll(async () => {
  if (!available) return;
  const redis = new Redis(BROKER_URL);
  const keys = await redis.keys(`${run}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});
