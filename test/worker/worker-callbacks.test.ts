import { afterEach, describe, expect, it } from 'vitest';
import { decodeTaskMessage } from '../../src/protocol/decode.js';
import type { TaskMessage } from '../../src/protocol/types.js';
import { makeSignature } from '../../src/worker/send-options.js';
import { WorkerHarness } from './support/harness.js';

let harness: WorkerHarness;
afterEach(async () => { await harness.close(); });

function decoded(message: TaskMessage) {
  return decodeTaskMessage({ queue: message.route.queue, raw: '', headers: message.headers, properties: message.properties, contentType: message.contentType, contentEncoding: message.contentEncoding, body: message.body });
}

describe('callbacks, errbacks and chains in the message body', () => {
  it('sends each callback with the result first, records them as children and runs them', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    harness.app.task('tasks.echo', (...args: unknown[]) => args);
    await harness.start();
    const id = await harness.send({
      task: 'tasks.add', args: [2, 3],
      callbacks: [makeSignature('tasks.add', [10], {}, { task_id: 'cb-1' }), makeSignature('tasks.echo', ['fixed'], {}, { task_id: 'cb-2' }, true)],
    });
    await harness.settle();
    const [first, second] = harness.broker.published.slice(1);
    expect(decoded(first!)).toMatchObject({ headers: { task: 'tasks.add', id: 'cb-1', parent_id: id, root_id: id }, args: [5, 10] });
    expect(decoded(second!)).toMatchObject({ headers: { task: 'tasks.echo', id: 'cb-2' }, args: ['fixed'] });
    expect((await harness.backend.get(id))?.children).toEqual([[['cb-1', null], null], [['cb-2', null], null]]);
    expect((await harness.backend.get('cb-1'))?.result).toBe(15);
    expect((await harness.backend.get('cb-2'))?.result).toEqual(['fixed']);
  });

  it('runs a chain step by step, the last signature in the list being next (as Celery orders it)', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    harness.app.task('tasks.mul', (x: number, y: number) => x * y);
    await harness.start();
    await harness.send({
      task: 'tasks.add', args: [1, 2],
      chain: [makeSignature('tasks.add', [100], {}, { task_id: 'third' }), makeSignature('tasks.mul', [10], {}, { task_id: 'second' })],
    });
    await harness.settle();
    expect(decoded(harness.broker.published[1]!)).toMatchObject({ headers: { id: 'second' }, args: [3, 10], embed: { chain: [{ task: 'tasks.add', options: { task_id: 'third' } }] } });
    expect((await harness.backend.get('second'))?.result).toBe(30);
    expect((await harness.backend.get('third'))?.result).toBe(130);
    expect(decoded(harness.broker.published[2]!).embed.chain).toBeNull();
  });

  it('sends errbacks with the failed task id when the task fails, and no callbacks', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.boom', () => { throw new Error('boom'); });
    harness.app.task('tasks.onError', (failedId: string) => `handled ${failedId}`);
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    await harness.start();
    const id = await harness.send({
      task: 'tasks.boom',
      callbacks: [makeSignature('tasks.add', [1])],
      errbacks: [makeSignature('tasks.onError', [], {}, { task_id: 'eb-1' })],
    });
    await harness.settle();
    expect(harness.broker.published.slice(1).map((m) => m.headers.task)).toEqual(['tasks.onError']);
    expect((await harness.backend.get('eb-1'))?.result).toBe(`handled ${id}`);
  });

  it('routes follow-up tasks by the signature options, else by the app routes', async () => {
    harness = new WorkerHarness({ taskRoutes: { 'reports.*': 'reports' } });
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    await harness.start();
    await harness.send({
      task: 'tasks.add', args: [1, 1],
      callbacks: [makeSignature('reports.weekly', [], {}, {}), makeSignature('tasks.add', [1], {}, { queue: 'math', priority: 6 })],
    });
    await harness.settle();
    const [weekly, add] = harness.broker.published.slice(1);
    expect(weekly?.route.queue).toBe('reports');
    expect(add?.route.queue).toBe('math');
    expect(add?.properties.priority).toBe(6);
  });

  it('runs a chord member but says that the chord callback is not run', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    await harness.start();
    const id = await harness.send({ task: 'tasks.add', args: [1, 2], chord: makeSignature('tasks.sum') });
    await harness.settle();
    expect((await harness.backend.get(id))?.result).toBe(3);
    expect(harness.linesMatching(/WARNING\/MainProcess\] Task tasks.add\[.*\] is part of a chord: celeriac workers run the task but not the chord's callback/)).toHaveLength(1);
  });
});
