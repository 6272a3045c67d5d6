import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { uuid4 } from '../../src/protocol/ids.js';
import { Celeriac } from '../../src/worker/app.js';
import { TaskFailedError } from '../../src/worker/errors.js';
import { runCli } from '../helpers/cli.js';
import { redisRequirement, REDIS_HOST, REDIS_PORT, requireServices } from '../helpers/services.js';
import { CliWorker } from '../worker/support/cli-worker.js';

const MODULE = fileURLToPath(new URL('../worker/fixtures/cli-app.ts', import.meta.url));
const REDIS_URL = `redis://${REDIS_HOST}:${REDIS_PORT}/7`;
const redisAvailable = requireServices('celeriac worker CLI (redis)', [await redisRequirement()]);

const workers: CliWorker[] = [];
const clients: Celeriac[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const worker of workers.splice(0)) worker.kill();
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

function start(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliWorker {
  const worker = new CliWorker(args, options);
  workers.push(worker);
  return worker;
}

function client(broker: string, resultBackend: string): Celeriac {
  const app = new Celeriac({ broker, resultBackend });
  clients.push(app);
  return app;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'celeriac-cli-worker-'));
  dirs.push(dir);
  return dir;
}

describe('celeriac worker: bad input', () => {
  it('needs -A', async () => {
    const result = await runCli(['worker']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("required option '-A, --app <module>' not specified");
  });

  it('names a module that does not exist', async () => {
    const result = await runCli(['worker', '-A', './no/such/tasks']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^celeriac: -A \.\/no\/such\/tasks: no such module/);
  });

  it('refuses a concurrency that is not a positive whole number', async () => {
    const result = await runCli(['worker', '-A', MODULE, '-c', 'many']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--concurrency: expected a whole number of at least 1, not "many"');
  });

  it('refuses an unknown pool', async () => {
    const result = await runCli(['worker', '-A', MODULE, '--pool', 'prefork']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Allowed choices are async, threads");
  });
});

describe('celeriac worker: the embedded default', () => {
  it('with no broker anywhere, uses ./celeriac.db for the queue and the results', async () => {
    const cwd = tempDir();
    const worker = start(['-A', MODULE, '-c', '2'], { cwd, env: { CELERIAC_BROKER_URL: '', CELERIAC_RESULT_BACKEND: '' } });
    await worker.waitFor(/ready\./);
    expect(worker.stdout).toContain(`.> transport:   sqlite:///celeriac.db`);
    expect(worker.stdout).toContain(`.> results:     sqlite:///celeriac.db`);
    expect(worker.stdout).toMatch(/\[tasks\]\n {2}\. tasks\.add\n {2}\. tasks\.fail\n {2}\. tasks\.fanout\n {2}\. tasks\.sleep\n {2}\. tasks\.spin/);
    const url = `sqlite:///${join(cwd, 'celeriac.db')}`;
    const app = client(url, url);
    expect(await app.sendTask('tasks.add', [20, 22]).get({ timeout: 10_000 })).toBe(42);
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});

describe('celeriac worker -B', () => {
  it('runs beat in the same process: scheduled tasks are sent and run', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'schedules'));
    writeFileSync(join(cwd, 'schedules', 'every-second.yaml'), 'entries:\n  add-every-second:\n    task: tasks.add\n    schedule: 1s\n    args: [16, 16]\n');
    const worker = start(['-A', MODULE, '-B'], { cwd, env: { CELERIAC_BROKER_URL: '', CELERIAC_RESULT_BACKEND: '' } });
    await worker.waitFor(/Task tasks\.add\[[0-9a-f-]+\] succeeded in [0-9.]+s: 32/);
    expect(worker.stdout).toContain('.> concurrency: 100 (async) +beat');
    expect(worker.stderr).toMatch(/INFO\/Beat\] beat: 1 entries scheduled/);
    expect(worker.stderr).toMatch(/Scheduler: Sending due task add-every-second \(tasks\.add\)/);
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});

describe.runIf(redisAvailable)('celeriac worker on Redis', () => {
  it('runs tasks, logs them like Celery, raises failures in the client and stops warm on SIGTERM', async () => {
    const queue = `cli-${uuid4()}`;
    const worker = start(['-A', MODULE, '-Q', queue, '-c', '10', '-n', 'alpha@test', '--broker', REDIS_URL, '--result-backend', REDIS_URL]);
    await worker.waitFor(/alpha@test ready\./);
    expect(worker.stderr).toContain(`Connected to ${REDIS_URL}`);
    expect(worker.stdout).toContain(`.> ${queue.padEnd(16)} exchange=${queue}(direct) key=${queue}`);
    const app = client(REDIS_URL, REDIS_URL);
    const sum = app.sendTask('tasks.add', [2, 3], {}, { queue });
    expect(await sum.get({ timeout: 10_000 })).toBe(5);
    const failed = await app.sendTask('tasks.fail', ['no good'], {}, { queue }).get({ timeout: 10_000 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TaskFailedError);
    expect(failed).toMatchObject({ excType: 'RangeError', excMessage: ['no good'] });
    await worker.waitFor(/raised unexpected: RangeError\('no good'\)/);
    expect(worker.stderr).toMatch(new RegExp(`INFO/MainProcess\\] Task tasks.add\\[${sum.id}\\] received`));
    expect(worker.stderr).toMatch(new RegExp(`Task tasks.add\\[${sum.id}\\] succeeded in [0-9.]+s: 5`));

    const slow = app.sendTask('tasks.sleep', [500], {}, { queue });
    await worker.waitFor(new RegExp(`tasks.sleep\\[${slow.id}\\] received`));
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.stderr).toContain('worker: Warm shutdown (MainProcess)');
    expect((await app.asyncResult(slow.id).meta())?.result).toBe('slept 500');
  });

  it('reads its settings from environment variables and logs to -f at -l', async () => {
    const queue = `cli-${uuid4()}`;
    const logfile = join(tempDir(), 'worker.log');
    const worker = start([], { env: { CELERIAC_APP: MODULE, CELERIAC_QUEUES: queue, CELERIAC_BROKER_URL: REDIS_URL, CELERIAC_RESULT_BACKEND: REDIS_URL, CELERIAC_LOGLEVEL: 'warning', CELERIAC_LOGFILE: logfile } });
    const app = client(REDIS_URL, REDIS_URL);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await app.sendTask('tasks.fail', ['logged'], {}, { queue }).get({ timeout: 15_000 }).catch((e: unknown) => (e as Error).name)).toBe('RangeError');
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
    const log = readFileSync(logfile, 'utf8');
    expect(log).toContain("raised unexpected: RangeError('logged')");
    expect(log).not.toContain('received');
    expect(worker.stderr).toBe('');
  });

  it('runs tasks in worker threads with --pool threads, on the worker\'s broker, ending one at its hard time limit', async () => {
    const queue = `cli-${uuid4()}`;
    const worker = start(['-A', MODULE, '-Q', queue, '--pool', 'threads', '-c', '2', '--broker', REDIS_URL, '--result-backend', REDIS_URL]);
    await worker.waitFor(/ready\./);
    expect(worker.stdout).toContain('.> concurrency: 2 (threads)');
    const app = client(REDIS_URL, REDIS_URL);
    const threads = await Promise.all([1, 2].map(() => app.sendTask<number>('tasks.spin', [300], {}, { queue }).get({ timeout: 15_000 })));
    // Thread 0 is the main thread: the tasks ran in pool threads.
    expect(threads.every((id) => id > 0)).toBe(true);
    const childId = await app.sendTask<string>('tasks.fanout', [21, queue], {}, { queue }).get({ timeout: 15_000 });
    expect(await app.asyncResult(childId).get({ timeout: 15_000 })).toBe(42);
    const stuck = await app.sendTask('tasks.spin', [60_000], {}, { queue, timeLimit: 1 }).get({ timeout: 15_000 }).catch((e: unknown) => e);
    expect(stuck).toMatchObject({ excType: 'TimeLimitExceeded', excModule: 'celery.exceptions' });
    expect(await app.sendTask('tasks.add', [1, 1], {}, { queue }).get({ timeout: 15_000 })).toBe(2);
  });

  it('stops cold on a second signal, abandoning the running task', async () => {
    const queue = `cli-${uuid4()}`;
    const worker = start(['-A', MODULE, '-Q', queue, '--broker', REDIS_URL, '--result-backend', REDIS_URL]);
    await worker.waitFor(/ready\./);
    const app = client(REDIS_URL, REDIS_URL);
    const slow = app.sendTask('tasks.sleep', [10_000], {}, { queue });
    await worker.waitFor(new RegExp(`tasks.sleep\\[${slow.id}\\] received`));
    worker.signal('SIGTERM');
    await worker.waitFor(/Warm shutdown/);
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(1);
    expect(worker.stderr).toContain('worker: Cold shutdown (MainProcess)');
    expect(await app.asyncResult(slow.id).state()).toBe('PENDING');
  });
});

afterAll(async () => {
  if (!redisAvailable) return;
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  await redis.quit();
});
