/**
 * `schedule show` and `list` join beat's run history with the result backend: SUCCESS with the
 * duration after a celeriac worker ran the task, FAILURE with the error, and SUCCESS with the
 * finish time after a Python Celery worker ran it (Celery 5.2 reports no duration).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CliProcess } from '../helpers/cli-process.js';
import { pythonCeleryRequirement, REDIS_HOST, REDIS_PORT, redisRequirement, requireServices } from '../helpers/services.js';
import { waitUntil } from '../helpers/wait.js';
import { startCeleryWorker, type CeleryWorker } from '../interop/python/celery-worker.js';

const TASKS = fileURLToPath(new URL('../store/fixtures/tasks.ts', import.meta.url));
const processes: CliProcess[] = [];
const dirs: string[] = [];
afterEach(() => { for (const p of processes.splice(0)) p.kill(); });
afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'celeriac-store-results-'));
  dirs.push(dir);
  return dir;
}

async function schedule(cwd: string, ...args: string[]): Promise<string> {
  const result = await runCli(['schedule', ...args, '--store', 'celeriac.db'], { cwd });
  if (result.status !== 0) throw new Error(`celeriac schedule ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

interface ShownRun { taskId: string; state: string | null; finishedAt: string | null; durationSeconds: number | null; result?: unknown; error?: string; sentAt: string; manual: boolean }
interface Shown { runs: ShownRun[]; nextRuns: string[] }

describe('show and list report how runs went (celeriac worker, embedded SQLite broker and results)', () => {
  it('SUCCESS with its result and duration, FAILURE with its error', async () => {
    const cwd = workspace();
    await schedule(cwd, 'add', 'adds', '--task', 'store.add', '--schedule', '1s', '--args', '[2, 3]');
    await schedule(cwd, 'add', 'fails', '--task', 'store.fail', '--schedule', '1s', '--args', '["boom"]');
    const worker = new CliProcess(['worker', '-A', TASKS, '-B', '--broker', 'sqlite:///celeriac.db', '--result-backend', 'sqlite:///celeriac.db', '--store', 'celeriac.db'], { cwd });
    processes.push(worker);
    await worker.waitFor(/Task store\.add\[[^\]]+\] succeeded[\s\S]*Task store\.fail\[[^\]]+\] raised unexpected/, 20_000);
    await worker.waitFor(/Task store\.fail\[[^\]]+\] raised unexpected[\s\S]*Task store\.add\[[^\]]+\] succeeded/, 10_000);
    // Beat writes its run history a moment after sending.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const backend = ['--result-backend', 'sqlite:///celeriac.db'];
    const adds = JSON.parse(await schedule(cwd, 'show', 'adds', ...backend, '--json')) as Shown;
    const succeeded = adds.runs.find((run) => run.state === 'SUCCESS');
    expect(succeeded).toMatchObject({ result: 5, manual: false });
    // The task sleeps 30 ms; timers may fire a little early against a high-resolution clock.
    expect(succeeded!.durationSeconds).toBeGreaterThan(0.02);
    expect(Date.parse(succeeded!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(succeeded!.sentAt));

    const fails = JSON.parse(await schedule(cwd, 'show', 'fails', ...backend, '--json')) as Shown;
    expect(fails.runs.find((run) => run.state === 'FAILURE')).toMatchObject({ error: 'RangeError: boom' });

    const text = await schedule(cwd, 'show', 'adds', ...backend);
    expect(text).toMatch(/^ {2}\S+Z {2}\S+Z {2}[0-9a-f-]{36} {2}SUCCESS {2}\S+Z {2}\d+\.\dms +5$/m);
    const list = await schedule(cwd, 'list', ...backend);
    expect(list).toMatch(/^adds +store\.add +every 1s +- +yes +\S+Z +\S+Z +(SUCCESS|PENDING)\n/m);
    expect(list).toMatch(/^fails +store\.fail +every 1s +- +yes +\S+Z +\S+Z +(FAILURE|PENDING)$/m);
  }, 60_000);
});

const available = requireServices('schedule show with a Python Celery worker', [await redisRequirement(), pythonCeleryRequirement()]);

describe.runIf(available)('show reports what a Python Celery 5.2 worker did (Redis broker and results)', () => {
  const REDIS_URL = `redis://${REDIS_HOST}:${REDIS_PORT}/10`;
  const run = `store-py-${process.pid}-${Date.now().toString(36)}`;
  const queue = `${run}.q`;
  const record = `${run}.record`;
  const redis = new Redis(REDIS_URL);
  let worker: CeleryWorker | undefined;
  const taskIds: string[] = [];

  afterAll(async () => {
    await worker?.stop();
    await redis.del(record, queue, `_kombu.binding.${queue}`, ...taskIds.map((id) => `celery-task-meta-${id}`));
    for (const key of ['celeriac:beat:meta', 'celeriac:beat:last', 'celeriac:beat:runs']) await redis.hdel(key, run);
    redis.disconnect();
  });

  it('SUCCESS with its result and finish time, no duration; next runs on the grid beat keeps in Redis', async () => {
    const cwd = workspace();
    await schedule(cwd, 'add', run, '--task', 'interop.record', '--schedule', '1s', '--queue', queue);
    const beat = new CliProcess(['beat', '--broker', REDIS_URL, '--store', 'celeriac.db'], { cwd });
    processes.push(beat);
    worker = await startCeleryWorker({
      module: 'celeriac_interop_app', name: run, queues: [queue],
      env: { CELERIAC_INTEROP_BROKER: REDIS_URL, CELERIAC_INTEROP_RECORD: record, RESULT_BACKEND: REDIS_URL },
    });
    await waitUntil(async () => (await redis.llen(record)) >= 2, 'the Python worker to run two occurrences', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const shown = JSON.parse(await schedule(cwd, 'show', run, '--result-backend', REDIS_URL, '--broker', REDIS_URL, '--json')) as Shown & { runs: Array<ShownRun & { taskId: string }> };
    taskIds.push(...shown.runs.map((r) => r.taskId));
    const succeeded = shown.runs.find((r) => r.state === 'SUCCESS');
    expect(succeeded).toMatchObject({ result: 'recorded', durationSeconds: null });
    expect(Date.parse(succeeded!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(succeeded!.sentAt) - 1000);

    const anchorMs = Number((await redis.hget('celeriac:beat:meta', run))!.split(':')[0]);
    for (const next of shown.nextRuns) expect((Date.parse(next) - anchorMs) % 1000).toBe(0);
    expect(shown.nextRuns).toHaveLength(5);
  }, 60_000);
});
