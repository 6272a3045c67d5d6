import { afterEach, describe, expect, it } from 'vitest';
import type { TaskContext } from '../../src/worker/task-types.js';
import { WorkerHarness } from './support/harness.js';

let harness: WorkerHarness;
afterEach(async () => { await harness.close(); });

describe('running tasks', () => {
  it('runs a task, stores SUCCESS with its duration, acknowledges and logs like Celery', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    await harness.start();
    const id = await harness.send({ task: 'tasks.add', args: [2, 3] });
    await harness.settle();
    const meta = await harness.backend.get(id);
    expect(meta).toMatchObject({ status: 'SUCCESS', result: 5, traceback: null, children: [], task_id: id });
    expect(meta?.duration).toBeGreaterThanOrEqual(0);
    expect(meta?.date_done).toMatch(/^2026-01-01T12:00:00\.000000$/);
    expect(harness.broker.acked.map((m) => m.headers.id)).toEqual([id]);
    expect(harness.linesMatching(new RegExp(`INFO/MainProcess\\] Task tasks.add\\[${id}\\] received`))).toHaveLength(1);
    expect(harness.linesMatching(new RegExp(`Task tasks.add\\[${id}\\] succeeded in [0-9.]+s: 5$`, 'm'))).toHaveLength(1);
  });

  it('awaits async tasks and passes keyword arguments as a last object', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.greet', async (name: string, options?: { punctuation: string }) => `hello ${name}${options?.punctuation ?? ''}`);
    await harness.start();
    const id = await harness.send({ task: 'tasks.greet', args: ['ada'], kwargs: { punctuation: '!' } });
    await harness.settle();
    expect((await harness.backend.get(id))?.result).toBe('hello ada!');
  });

  it('gives function tasks their context as `this`, and bound tasks as the first argument', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.who', function (this: TaskContext) { return `${this.name} ${this.id} ${this.retries} ${this.hostname} ${this.queue}`; });
    harness.app.task('tasks.bound', { bind: true }, (context: TaskContext, x: number) => `${context.name}:${x}`);
    await harness.start();
    const who = await harness.send({ task: 'tasks.who' });
    const bound = await harness.send({ task: 'tasks.bound', args: [7] });
    await harness.settle();
    expect((await harness.backend.get(who))?.result).toBe(`tasks.who ${who} 0 celeriac@test celery`);
    expect((await harness.backend.get(bound))?.result).toBe('tasks.bound:7');
  });

  it('stores a failure with exc_type, exc_message, exc_module and the stack as traceback', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.div', (x: number, y: number) => {
      if (y === 0) throw new TypeError('division by zero');
      return x / y;
    });
    await harness.start();
    const id = await harness.send({ task: 'tasks.div', args: [1, 0] });
    await harness.settle();
    const meta = await harness.backend.get(id);
    expect(meta).toMatchObject({ status: 'FAILURE', result: { exc_type: 'TypeError', exc_message: ['division by zero'], exc_module: 'builtins' } });
    expect(meta?.traceback).toContain('TypeError: division by zero');
    expect(harness.linesMatching(new RegExp(`ERROR/MainProcess\\] Task tasks.div\\[${id}\\] raised unexpected: TypeError\\('division by zero'\\)`))).toHaveLength(1);
    expect(harness.broker.acked).toHaveLength(1);
  });

  it('fails a task whose result cannot be stored as JSON', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.big', () => 10n);
    await harness.start();
    const id = await harness.send({ task: 'tasks.big' });
    await harness.settle();
    expect(await harness.backend.get(id)).toMatchObject({ status: 'FAILURE', result: { exc_type: 'EncodeError' } });
  });

  it('stores nothing for ignore_result messages and tasks', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.quiet', { ignoreResult: true }, () => 1);
    harness.app.task('tasks.loud', () => 1);
    await harness.start();
    const quiet = await harness.send({ task: 'tasks.quiet' });
    const ignored = await harness.send({ task: 'tasks.loud', ignoreResult: true });
    await harness.settle();
    expect(await harness.backend.get(quiet)).toBeNull();
    expect(await harness.backend.get(ignored)).toBeNull();
    expect(harness.broker.acked).toHaveLength(2);
  });

  it('records STARTED while a track_started task runs', async () => {
    harness = new WorkerHarness();
    let release!: () => void;
    harness.app.task('tasks.slow', { trackStarted: true }, () => new Promise<string>((resolve) => { release = () => resolve('done'); }));
    await harness.start();
    const id = await harness.send({ task: 'tasks.slow' });
    await harness.settle();
    expect(await harness.backend.get(id)).toMatchObject({ status: 'STARTED', result: { pid: process.pid, hostname: 'celeriac@test' }, date_done: null });
    release();
    await harness.settle();
    expect((await harness.backend.get(id))?.status).toBe('SUCCESS');
  });

  it('runs at most `concurrency` tasks at once and starts the next when one ends', async () => {
    harness = new WorkerHarness();
    const releases: Array<() => void> = [];
    let running = 0;
    let most = 0;
    harness.app.task('tasks.wait', () => new Promise<void>((resolve) => {
      running++;
      most = Math.max(most, running);
      releases.push(() => { running--; resolve(); });
    }));
    await harness.start({ concurrency: 2 });
    for (let i = 0; i < 5; i++) await harness.send({ task: 'tasks.wait' });
    await harness.settle();
    expect(running).toBe(2);
    while (releases.length > 0) {
      releases.shift()!();
      await harness.settle();
    }
    expect(most).toBe(2);
    expect(harness.broker.acked).toHaveLength(5);
  });

  it('acknowledges before the run by default and after it with acksLate', async () => {
    harness = new WorkerHarness();
    let release!: () => void;
    const gate = () => new Promise<void>((resolve) => { release = resolve; });
    harness.app.task('tasks.early', gate);
    harness.app.task('tasks.late', { acksLate: true }, gate);
    await harness.start();
    await harness.send({ task: 'tasks.early' });
    await harness.settle();
    expect(harness.broker.acked).toHaveLength(1);
    release();
    await harness.send({ task: 'tasks.late' });
    await harness.settle();
    expect(harness.broker.acked).toHaveLength(1);
    release();
    await harness.settle();
    expect(harness.broker.acked).toHaveLength(2);
  });

  it('consumes the queues it is given and leaves the others alone', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    await harness.start({ queues: ['math'] });
    const math = await harness.send({ task: 'tasks.add', args: [1, 1], queue: 'math' });
    await harness.send({ task: 'tasks.add', args: [1, 1] });
    await harness.settle();
    expect(harness.broker.acked.map((m) => m.headers.id)).toEqual([math]);
    expect(harness.broker.waitingIn('celery')).toBe(1);
  });

  it('asks the broker for concurrency × prefetch multiplier deliveries and the visibility timeout', async () => {
    harness = new WorkerHarness({ visibilityTimeout: 600 });
    await harness.start({ concurrency: 3 });
    expect(harness.broker.consumeOptions.at(-1)).toEqual({ prefetch: 12, visibilityTimeout: 600 });
    await harness.close();
    harness = new WorkerHarness({ visibilityTimeout: 600 });
    await harness.start({ concurrency: 3, prefetchMultiplier: 1, visibilityTimeout: 30 });
    expect(harness.broker.consumeOptions.at(-1)).toEqual({ prefetch: 3, visibilityTimeout: 30 });
  });

  it('takes the whole prefetch with one consumer by default', async () => {
    harness = new WorkerHarness();
    await harness.start({ concurrency: 100 });
    expect(harness.broker.consumeOptions.map((options) => options.prefetch)).toEqual([400]);
  });

  it('shares the prefetch among the consumers it is given', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    await harness.start({ concurrency: 100, consumers: 8 });
    expect(harness.broker.consumeOptions.map((options) => options.prefetch)).toEqual(Array(8).fill(50));
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => harness.send({ task: 'tasks.add', args: [i, 1] })));
    await harness.settle();
    expect((await Promise.all(ids.map((id) => harness.backend.get(id)))).map((meta) => meta?.result)).toEqual(ids.map((_, i) => i + 1));
  });
});
