import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadsPool } from '../../src/worker/pools/threads-pool.js';
import type { TaskRequestInfo } from '../../src/worker/task-types.js';

const moduleFile = fileURLToPath(new URL('./fixtures/threads-app.ts', import.meta.url));
let pool: ThreadsPool | undefined;
afterEach(async () => { await pool?.close(); pool = undefined; });

function info(name: string, args: unknown[] = []): TaskRequestInfo {
  return { id: `${name}-id`, name, args, kwargs: {}, retries: 0, rootId: `${name}-id`, parentId: null, groupId: null, eta: null, expires: null, hostname: 'celeriac@test', queue: 'celery' };
}

describe('threads pool', () => {
  it('runs tasks in threads that imported the app module themselves', async () => {
    pool = new ThreadsPool({ moduleFile }, 2);
    await pool.start();
    expect(await pool.run(info('tasks.add', [2, 3])).outcome).toEqual({ state: 'SUCCESS', result: 5 });
    const threadId = await pool.run(info('tasks.threadId')).outcome;
    expect(threadId).toMatchObject({ state: 'SUCCESS' });
    expect((threadId as { result: number }).result).toBeGreaterThan(0);
  });

  it('keeps the main thread free while a CPU-bound task runs', async () => {
    pool = new ThreadsPool({ moduleFile }, 1);
    await pool.start();
    const spinning = pool.run(info('tasks.spin', [300])).outcome;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    await spinning;
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(5);
  });

  it('terminates the thread at the hard limit and replaces it', async () => {
    pool = new ThreadsPool({ moduleFile }, 1);
    await pool.start();
    const run = pool.run(info('tasks.forever'));
    run.hardLimit(2);
    expect(await run.outcome).toMatchObject({ state: 'FAILURE', exception: { exc_type: 'TimeLimitExceeded', exc_message: ['hard time limit (2s) exceeded'] } });
    expect(await pool.run(info('tasks.add', [1, 1])).outcome).toEqual({ state: 'SUCCESS', result: 2 });
  });

  it('aborts the task signal in the thread at the soft limit', async () => {
    pool = new ThreadsPool({ moduleFile }, 1);
    await pool.start();
    const run = pool.run(info('tasks.waitForAbort'));
    run.softLimit(3);
    expect(await run.outcome).toMatchObject({ state: 'FAILURE', exception: { exc_type: 'SoftTimeLimitExceeded', exc_message: ['soft time limit (3s) exceeded'] } });
  });

  it('fails the task with WorkerLostError when its thread dies, and carries on', async () => {
    pool = new ThreadsPool({ moduleFile }, 1);
    await pool.start();
    expect(await pool.run(info('tasks.crash')).outcome).toMatchObject({ state: 'FAILURE', exception: { exc_type: 'WorkerLostError' } });
    expect(await pool.run(info('tasks.add', [2, 2])).outcome).toEqual({ state: 'SUCCESS', result: 4 });
  });

  it('refuses to start when the module cannot be loaded', async () => {
    pool = new ThreadsPool({ moduleFile: '/nonexistent/tasks.ts' }, 1);
    await expect(pool.start()).rejects.toThrow(/could not load the app: .*no such module/);
  });
});
