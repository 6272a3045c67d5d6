import { afterEach, describe, expect, it } from 'vitest';
import { parseIsoInstant } from '../../src/protocol/iso-time.js';
import { backoffSeconds } from '../../src/worker/backoff.js';
import type { TaskContext } from '../../src/worker/task-types.js';
import { START, WorkerHarness } from './support/harness.js';

let harness: WorkerHarness;
afterEach(async () => { await harness?.close(); });

class Flaky extends Error {
  override name = 'Flaky';
}

describe('retries', () => {
  it('re-publishes a task that asks to retry with the same id, one more retry and an eta, and stores RETRY', async () => {
    harness = new WorkerHarness();
    const seen: number[] = [];
    harness.app.task('tasks.flaky', function (this: TaskContext, x: number) {
      seen.push(this.retries);
      if (this.retries < 2) this.retry({ countdown: 5, exc: new Flaky('not yet') });
      return x * 2;
    });
    await harness.start();
    const id = await harness.send({ task: 'tasks.flaky', args: [21], priority: 3, queue: 'celery' });
    await harness.settle();
    const retry = harness.broker.published[1]!;
    expect(retry.headers).toMatchObject({ id, task: 'tasks.flaky', retries: 1, root_id: id });
    expect(parseIsoInstant(retry.headers.eta ?? '')?.ms).toBe(START + 5_000);
    expect(retry.properties.priority).toBe(3);
    expect(await harness.backend.get(id)).toMatchObject({ status: 'RETRY', result: { exc_type: 'Flaky', exc_message: ['not yet'] } });
    expect(harness.linesMatching(/Task tasks.flaky\[.*\] retry: Retry in 5s: Flaky\('not yet'\)/)).toHaveLength(1);
    await harness.clock.advance(5_000);
    await harness.clock.advance(5_000);
    expect(seen).toEqual([0, 1, 2]);
    expect(await harness.backend.get(id)).toMatchObject({ status: 'SUCCESS', result: 42 });
  });

  it('fails with MaxRetriesExceededError once max_retries is spent (or with the given exc)', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.never', { maxRetries: 1 }, function (this: TaskContext) { this.retry({ countdown: 1 }); });
    harness.app.task('tasks.neverExc', { maxRetries: 0 }, function (this: TaskContext) { this.retry({ exc: new Flaky('gave up') }); });
    await harness.start();
    const never = await harness.send({ task: 'tasks.never' });
    const withExc = await harness.send({ task: 'tasks.neverExc' });
    await harness.settle();
    await harness.clock.advance(1_000);
    expect(await harness.backend.get(never)).toMatchObject({ status: 'FAILURE', result: { exc_type: 'MaxRetriesExceededError', exc_module: 'celery.exceptions' } });
    expect(await harness.backend.get(withExc)).toMatchObject({ status: 'FAILURE', result: { exc_type: 'Flaky', exc_message: ['gave up'] } });
  });

  it('uses default_retry_delay when no countdown is given, and new arguments when given', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.again', { defaultRetryDelay: 30 }, function (this: TaskContext, n: number) {
      if (this.retries === 0) this.retry({ args: [n + 1] });
      return n;
    });
    await harness.start();
    const id = await harness.send({ task: 'tasks.again', args: [1] });
    await harness.settle();
    await harness.clock.advance(29_999);
    expect((await harness.backend.get(id))?.status).toBe('RETRY');
    await harness.clock.advance(1);
    expect(await harness.backend.get(id)).toMatchObject({ status: 'SUCCESS', result: 2 });
  });

  it('retries listed errors by itself with exponential backoff (autoretryFor, retryBackoff)', async () => {
    harness = new WorkerHarness();
    let attempts = 0;
    harness.app.task('tasks.auto', { autoretryFor: [Flaky], retryBackoff: 2, retryJitter: false, maxRetries: 5 }, () => {
      attempts++;
      if (attempts < 3) throw new Flaky(`attempt ${attempts}`);
      return 'third time lucky';
    });
    harness.app.task('tasks.other', { autoretryFor: [Flaky] }, () => { throw new RangeError('not listed'); });
    await harness.start();
    const id = await harness.send({ task: 'tasks.auto' });
    const other = await harness.send({ task: 'tasks.other' });
    await harness.settle();
    expect(harness.broker.published.filter((m) => m.headers.id === id).map((m) => parseIsoInstant(m.headers.eta ?? '')?.ms)).toEqual([undefined, START + 2_000]);
    await harness.clock.advance(2_000);
    expect(parseIsoInstant(harness.broker.published.at(-1)?.headers.eta ?? '')?.ms).toBe(START + 2_000 + 4_000);
    await harness.clock.advance(4_000);
    expect(await harness.backend.get(id)).toMatchObject({ status: 'SUCCESS', result: 'third time lucky' });
    expect((await harness.backend.get(other))?.result).toMatchObject({ exc_type: 'RangeError' });
  });
});

describe('backoffSeconds (Celery get_exponential_backoff_interval)', () => {
  it('doubles per retry up to the maximum', () => {
    expect([0, 1, 2, 3, 10].map((retries) => backoffSeconds(1, retries, 600, false, 0))).toEqual([1, 2, 4, 8, 600]);
  });

  it('draws a whole number of seconds from 0 to the backoff with full jitter', () => {
    expect(backoffSeconds(1, 3, 600, true, 0)).toBe(0);
    expect(backoffSeconds(1, 3, 600, true, 0.999)).toBe(8);
    expect(backoffSeconds(1, 3, 600, true, 0.5)).toBe(4);
  });
});

describe('a retry that cannot be published', () => {
  it('fails the task instead of leaving it in RETRY', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.flaky', function (this: TaskContext) { this.retry({ countdown: 5, exc: new Flaky('again') }); });
    await harness.start();
    const id = await harness.send({ task: 'tasks.flaky' });
    const publish = harness.broker.publish.bind(harness.broker);
    harness.broker.publish = async (message) => {
      if (message.headers.retries > 0) throw new Error('broker gone');
      return publish(message);
    };
    await harness.settle();
    // Publishing is retried by the app's retry policy (0.2 s apart) before the worker gives up.
    await harness.clock.advance(1_000);
    expect(await harness.backend.get(id)).toMatchObject({ status: 'FAILURE', result: { exc_message: ['broker gone'] } });
    expect(harness.linesMatching(/Task tasks.flaky\[.*\] could not be retried: broker gone/)).toHaveLength(1);
  });
});
