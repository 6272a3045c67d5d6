import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHarness } from './support/harness.js';

let harness: WorkerHarness;
afterEach(async () => { await harness.close(); });

describe('shutdown', () => {
  it('warm: stops consuming, requeues held and waiting messages, and lets running tasks finish', async () => {
    harness = new WorkerHarness();
    let release!: () => void;
    harness.app.task('tasks.slow', () => new Promise<string>((resolve) => { release = () => resolve('finished'); }));
    harness.app.task('tasks.later', () => 'later');
    const worker = await harness.start({ concurrency: 1 });
    const running = await harness.send({ task: 'tasks.slow' });
    const waiting = await harness.send({ task: 'tasks.slow' });
    const held = await harness.send({ task: 'tasks.later', countdown: 60 });
    await harness.settle();
    expect(worker.load).toEqual({ held: 1, waiting: 1, running: 1 });

    const stopped = worker.stop('warm');
    await harness.settle();
    expect(harness.broker.requeued.map((m) => m.headers.id).sort()).toEqual([held, waiting].sort());
    release();
    await stopped;
    expect((await harness.backend.get(running))?.result).toBe('finished');
    expect(harness.broker.acked.map((m) => m.headers.id)).toEqual([running]);
    expect(harness.linesMatching(/worker: Warm shutdown/)).toHaveLength(1);
  });

  it('warm: an acks_late task is acknowledged once it finishes', async () => {
    harness = new WorkerHarness();
    let release!: () => void;
    harness.app.task('tasks.late', { acksLate: true }, () => new Promise<void>((resolve) => { release = resolve; }));
    const worker = await harness.start();
    const id = await harness.send({ task: 'tasks.late' });
    await harness.settle();
    const stopped = worker.stop('warm');
    await harness.settle();
    expect(harness.broker.acked).toHaveLength(0);
    release();
    await stopped;
    expect(harness.broker.acked.map((m) => m.headers.id)).toEqual([id]);
  });

  it('cold: leaves unfinished messages unsettled, for the visibility timeout to bring back', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.late', { acksLate: true }, () => new Promise(() => {}));
    harness.app.task('tasks.later', () => 'later');
    const worker = await harness.start();
    await harness.send({ task: 'tasks.late' });
    await harness.send({ task: 'tasks.later', countdown: 60 });
    await harness.settle();
    await worker.stop('cold');
    expect(harness.broker.acked).toHaveLength(0);
    expect(harness.broker.requeued).toHaveLength(0);
    expect(harness.clock.pendingTimers()).toBe(0);
  });
});
