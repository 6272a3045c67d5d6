import { afterEach, describe, expect, it } from 'vitest';
import type { TaskContext } from '../../src/worker/task-types.js';
import { START, WorkerHarness } from './support/harness.js';

let harness: WorkerHarness;
afterEach(async () => { await harness.close(); });

describe('eta and countdown', () => {
  it('holds a countdown message unacknowledged until it is due, then runs it', async () => {
    harness = new WorkerHarness();
    const ran: number[] = [];
    harness.app.task('tasks.tick', () => { ran.push(harness.clock.now()); });
    await harness.start();
    await harness.send({ task: 'tasks.tick', countdown: 10 });
    await harness.settle();
    expect(ran).toEqual([]);
    expect(harness.broker.acked).toHaveLength(0);
    expect(harness.broker.prefetchChanges.at(-1)).toBe(4 * 4 + 1);
    await harness.clock.advance(9_999);
    expect(ran).toEqual([]);
    await harness.clock.advance(1);
    expect(ran).toEqual([START + 10_000]);
    expect(harness.broker.acked).toHaveLength(1);
    expect(harness.broker.prefetchChanges.at(-1)).toBe(16);
  });

  it('keeps consuming while it holds more eta messages than the prefetch limit', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.later', () => 'late');
    harness.app.task('tasks.now', () => 'now');
    await harness.start({ concurrency: 1 });
    for (let i = 0; i < 6; i++) await harness.send({ task: 'tasks.later', countdown: 60 });
    const now = await harness.send({ task: 'tasks.now' });
    await harness.settle();
    expect((await harness.backend.get(now))?.result).toBe('now');
  });

  it('runs a message whose eta has passed at once', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.tick', () => 'ran');
    await harness.start();
    const id = await harness.send({ task: 'tasks.tick', eta: new Date(START - 1000) });
    await harness.settle();
    expect((await harness.backend.get(id))?.status).toBe('SUCCESS');
  });
});

describe('expires', () => {
  it('revokes an expired message instead of running it, and acknowledges it', async () => {
    harness = new WorkerHarness();
    let runs = 0;
    harness.app.task('tasks.tick', () => { runs++; });
    await harness.start();
    const id = await harness.send({ task: 'tasks.tick', expires: new Date(START - 1) });
    await harness.settle();
    expect(runs).toBe(0);
    expect(await harness.backend.get(id)).toMatchObject({
      status: 'REVOKED',
      result: { exc_type: 'TaskRevokedError', exc_message: ['expired'], exc_module: 'celery.exceptions' },
    });
    expect(harness.broker.acked).toHaveLength(1);
    expect(harness.linesMatching(/Discarding revoked task: tasks.tick\[.*\] \(expired\)/)).toHaveLength(1);
  });

  it('revokes a message that expires while it is held for its eta', async () => {
    harness = new WorkerHarness();
    let runs = 0;
    harness.app.task('tasks.tick', () => { runs++; });
    await harness.start();
    const id = await harness.send({ task: 'tasks.tick', countdown: 30, expires: 20 });
    await harness.clock.advance(30_000);
    expect(runs).toBe(0);
    expect((await harness.backend.get(id))?.status).toBe('REVOKED');
  });

  it('runs a message before its expiry', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.tick', () => 'ok');
    await harness.start();
    const id = await harness.send({ task: 'tasks.tick', expires: 30 });
    await harness.settle();
    expect((await harness.backend.get(id))?.status).toBe('SUCCESS');
  });
});

describe('time limits in the async pool', () => {
  it('aborts the signal at the soft limit, so a waiting task fails with SoftTimeLimitExceeded', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.wait', { softTimeLimit: 2 }, function (this: TaskContext) {
      return new Promise((_resolve, reject) => {
        this.signal.addEventListener('abort', () => reject(this.signal.reason));
      });
    });
    await harness.start();
    const id = await harness.send({ task: 'tasks.wait' });
    await harness.settle();
    await harness.clock.advance(1_999);
    expect(await harness.backend.get(id)).toBeNull();
    await harness.clock.advance(1);
    expect(await harness.backend.get(id)).toMatchObject({ status: 'FAILURE', result: { exc_type: 'SoftTimeLimitExceeded', exc_module: 'celery.exceptions' } });
    expect(harness.linesMatching(/WARNING\/MainProcess\] Soft time limit \(2s\) exceeded for tasks.wait/)).toHaveLength(1);
  });

  it('reports an AbortError raised by the soft limit as SoftTimeLimitExceeded', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.fetchish', { softTimeLimit: 1 }, function (this: TaskContext) {
      return new Promise((_resolve, reject) => {
        this.signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')));
      });
    });
    await harness.start();
    const id = await harness.send({ task: 'tasks.fetchish' });
    await harness.settle();
    await harness.clock.advance(1_000);
    expect((await harness.backend.get(id))?.result).toMatchObject({ exc_type: 'SoftTimeLimitExceeded' });
  });

  it('lets a task catch the soft limit and finish cleanly', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.tidy', { softTimeLimit: 1 }, function (this: TaskContext) {
      return new Promise((resolve) => { this.signal.addEventListener('abort', () => resolve('cleaned up')); });
    });
    await harness.start();
    const id = await harness.send({ task: 'tasks.tidy' });
    await harness.settle();
    await harness.clock.advance(1_000);
    expect(await harness.backend.get(id)).toMatchObject({ status: 'SUCCESS', result: 'cleaned up' });
  });

  it('records TimeLimitExceeded at the hard limit, frees the slot and ignores what the task does later', async () => {
    harness = new WorkerHarness();
    let finishLate!: (value: string) => void;
    harness.app.task('tasks.stuck', () => new Promise<string>((resolve) => { finishLate = resolve; }));
    harness.app.task('tasks.next', () => 'next ran');
    await harness.start({ concurrency: 1 });
    const stuck = await harness.send({ task: 'tasks.stuck', timeLimit: 5 });
    const next = await harness.send({ task: 'tasks.next' });
    await harness.settle();
    await harness.clock.advance(5_000);
    expect(await harness.backend.get(stuck)).toMatchObject({ status: 'FAILURE', result: { exc_type: 'TimeLimitExceeded', exc_message: ['hard time limit (5s) exceeded'] } });
    expect((await harness.backend.get(next))?.result).toBe('next ran');
    finishLate('too late');
    await harness.settle();
    expect((await harness.backend.get(stuck))?.status).toBe('FAILURE');
    expect(harness.linesMatching(/ERROR\/MainProcess\] Hard time limit \(5s\) exceeded for tasks.stuck/)).toHaveLength(1);
  });

  it('takes the limits from the message over the task options', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.stuck', { timeLimit: 100 }, () => new Promise(() => {}));
    await harness.start();
    const id = await harness.send({ task: 'tasks.stuck', timeLimit: 1 });
    await harness.settle();
    await harness.clock.advance(1_000);
    expect((await harness.backend.get(id))?.status).toBe('FAILURE');
  });
});
