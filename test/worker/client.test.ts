import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { decodeTaskMessage } from '../../src/protocol/decode.js';
import { parseIsoInstant } from '../../src/protocol/iso-time.js';
import type { TaskMessage } from '../../src/protocol/types.js';
import { ManualClock } from '../../src/util/clock.js';
import { Logger } from '../../src/util/log.js';
import { Celeriac } from '../../src/worker/app.js';
import { buildMeta } from '../../src/worker/backends/meta.js';
import { ResultTimeoutError, TaskFailedError } from '../../src/worker/errors.js';
import { MemoryBroker } from './support/memory-broker.js';
import { START, WorkerHarness } from './support/harness.js';

function decoded(message: TaskMessage) {
  return decodeTaskMessage({ queue: message.route.queue, raw: '', headers: message.headers, properties: message.properties, contentType: message.contentType, contentEncoding: message.contentEncoding, body: message.body });
}

let harness: WorkerHarness | undefined;
afterEach(async () => { await harness?.close(); harness = undefined; });

describe('sending tasks', () => {
  it('delay sends the arguments to the default queue with a fresh id', async () => {
    const broker = new MemoryBroker();
    const app = new Celeriac({ broker });
    const add = app.task('tasks.add', (x: number, y: number) => x + y);
    const result = add.delay(2, 3);
    await result.sent;
    const [message] = broker.published;
    expect(message?.route.queue).toBe('celery');
    expect(decoded(message!)).toMatchObject({ headers: { task: 'tasks.add', id: result.id, argsrepr: '(2, 3)' }, args: [2, 3], kwargs: {} });
  });

  it('applyAsync maps Celery options onto the message', async () => {
    const clock = new ManualClock(START);
    const broker = new MemoryBroker();
    const app = new Celeriac({ broker, clock });
    const add = app.task('tasks.add', (x: number, y: number) => x + y);
    await add.applyAsync([2, 3], { extra: true }, {
      countdown: 10, expires: 60, queue: 'math', priority: 5, headers: { tenant: 'acme' }, compression: 'zlib',
      link: add.s(10), linkError: app.signature('tasks.report'), ignoreResult: true, timeLimit: 30, softTimeLimit: 20, taskId: 'fixed-id',
    }).sent;
    const message = broker.published[0]!;
    expect(message.route.queue).toBe('math');
    expect(message.properties.priority).toBe(5);
    expect(message.headers).toMatchObject({ id: 'fixed-id', tenant: 'acme', compression: 'application/x-gzip', ignore_result: true, timelimit: [30, 20] });
    expect(parseIsoInstant(message.headers.eta ?? '')?.ms).toBe(START + 10_000);
    expect(parseIsoInstant(message.headers.expires ?? '')?.ms).toBe(START + 60_000);
    expect(decoded(message)).toMatchObject({
      kwargs: { extra: true },
      embed: { callbacks: [{ task: 'tasks.add', args: [10], immutable: false }], errbacks: [{ task: 'tasks.report' }] },
    });
  });

  it('routes by task name and glob (taskRoutes), exact names first; explicit options win', async () => {
    const broker = new MemoryBroker();
    const app = new Celeriac({ broker, taskRoutes: { 'reports.*': 'reports', 'reports.urgent': { queue: 'urgent', priority: 9 }, 'ops.?ackup': { queue: 'ops' } } });
    await app.sendTask('reports.weekly').sent;
    await app.sendTask('reports.urgent').sent;
    await app.sendTask('ops.backup').sent;
    await app.sendTask('reports.weekly', [], {}, { queue: 'elsewhere' }).sent;
    await app.sendTask('tasks.add').sent;
    expect(broker.published.map((m) => `${m.route.queue}/${m.properties.priority}`)).toEqual(['reports/0', 'urgent/9', 'ops/0', 'elsewhere/0', 'celery/0']);
  });

  it('throws at once for options no message can carry', () => {
    const app = new Celeriac({ broker: new MemoryBroker() });
    expect(() => app.sendTask('tasks.add', [], {}, { priority: 10 })).toThrow(UsageError);
  });

  it('retries publishing with the retry policy while the broker fails, then gives up with its error', async () => {
    const clock = new ManualClock(START);
    const broker = new MemoryBroker();
    let failures = 2;
    const publish = broker.publish.bind(broker);
    broker.publish = async (message) => {
      if (failures-- > 0) throw new Error('connection refused');
      return publish(message);
    };
    const lines: string[] = [];
    const app = new Celeriac({ broker, clock, logger: new Logger({ sink: (line) => lines.push(line) }) });
    const retried = app.sendTask('tasks.add', [], {}, { retryPolicy: { maxRetries: 3, intervalStart: 1, intervalStep: 1, intervalMax: 5 } });
    await clock.advance(0);
    expect(broker.published).toHaveLength(0);
    await clock.advance(1_000);
    await clock.advance(2_000);
    await retried.sent;
    expect(broker.published).toHaveLength(1);

    failures = 10;
    const refused = app.sendTask('tasks.add', [], {}, { retry: false });
    await expect(refused.sent).rejects.toThrow('connection refused');
    expect(lines.some((line) => line.includes(`could not send task tasks.add[${refused.id}]: connection refused`))).toBe(true);
  });
});

describe('AsyncResult', () => {
  it('gets the value of a task run by a worker', async () => {
    harness = new WorkerHarness();
    const add = harness.app.task('tasks.add', (x: number, y: number) => x + y);
    await harness.start();
    const result = add.delay(20, 22);
    const value = result.get({ timeout: 5_000 });
    await harness.settle();
    await harness.clock.advance(100);
    expect(await value).toBe(42);
    expect(await result.state()).toBe('SUCCESS');
  });

  it("throws the task's failure as TaskFailedError with Celery's exception fields", async () => {
    harness = new WorkerHarness();
    const fail = harness.app.task('tasks.fail', () => { throw new RangeError('out of range'); });
    await harness.start();
    const outcome = fail.delay().get({ timeout: 5_000 }).catch((error: unknown) => error);
    await harness.settle();
    await harness.clock.advance(100);
    const error = await outcome;
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ name: 'RangeError', excType: 'RangeError', excMessage: ['out of range'], state: 'FAILURE', message: 'RangeError: out of range' });
    expect((error as TaskFailedError).remoteTraceback).toContain('RangeError: out of range');
  });

  it('reads a failure stored by Python Celery', async () => {
    harness = new WorkerHarness();
    await harness.backend.store({ ...buildMeta({ taskId: 'py-1', state: 'FAILURE', at: 0 }), result: { exc_type: 'ZeroDivisionError', exc_message: ['division by zero'], exc_module: 'builtins' }, traceback: 'Traceback (most recent call last):\n...' });
    await expect(harness.app.asyncResult('py-1').get({ timeout: 1_000 })).rejects.toMatchObject({ excType: 'ZeroDivisionError', excModule: 'builtins', message: 'ZeroDivisionError: division by zero' });
  });

  it('times out with ResultTimeoutError while the task is PENDING', async () => {
    harness = new WorkerHarness();
    const waiting = harness.app.asyncResult('never-sent').get({ timeout: 3_000 }).catch((error: unknown) => error);
    await harness.settle();
    await harness.clock.advance(3_000);
    const error = await waiting;
    expect(error).toBeInstanceOf(ResultTimeoutError);
    expect((error as Error).message).toBe('task never-sent did not finish within 3000 ms (state PENDING)');
  });

  it('says when no result backend is configured', async () => {
    const app = new Celeriac({ broker: new MemoryBroker() });
    const result = app.sendTask('tasks.add');
    await expect(result.get()).rejects.toThrow(/no result backend is configured/);
  });

  it('rejects get() when the task could not be sent', async () => {
    const broker = new MemoryBroker();
    broker.publish = async () => { throw new Error('broker down'); };
    const app = new Celeriac({ broker, logger: new Logger({ sink: () => {} }) });
    await expect(app.sendTask('tasks.add', [], {}, { retry: false }).get()).rejects.toThrow('broker down');
  });
});
