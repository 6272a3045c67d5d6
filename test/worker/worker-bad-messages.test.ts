import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHarness } from './support/harness.js';

let harness: WorkerHarness;
afterEach(async () => { await harness.close(); });

function raw(headers: Record<string, unknown>, body: string, contentType = 'application/json') {
  return { queue: 'celery', raw: body, headers, properties: { correlation_id: headers.id }, contentType, contentEncoding: 'utf-8', body: Buffer.from(body) };
}

describe('messages the worker cannot use', () => {
  it('rejects an unregistered task to the dead letters, logs it once with the id, and goes on', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    await harness.start();
    const unknown = await harness.send({ task: 'tasks.nope' });
    const good = await harness.send({ task: 'tasks.add', args: [1, 2] });
    await harness.settle();
    expect(harness.broker.rejected.map((r) => r.message.headers.id)).toEqual([unknown]);
    expect(harness.broker.rejected[0]?.reason).toContain("unregistered task of type 'tasks.nope'");
    expect(harness.linesMatching(new RegExp(`ERROR/MainProcess\\] Received unregistered task of type 'tasks.nope' \\[${unknown}\\]`))).toHaveLength(1);
    expect((await harness.backend.get(good))?.result).toBe(3);
  });

  it('rejects a body that is not JSON', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    await harness.start();
    harness.broker.push(raw({ task: 'tasks.add', id: 'bad-json' }, '[[1, 2], {}, {'));
    await harness.settle();
    expect(harness.broker.rejected[0]?.reason).toMatch(/Received invalid task message \[bad-json\]: body is not valid JSON/);
    expect(harness.linesMatching(/bad-json/)).toHaveLength(1);
  });

  it('rejects pickle without ever reading it', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    await harness.start();
    harness.broker.push(raw({ task: 'tasks.add', id: 'pickled' }, '\x80\x04K\x02.', 'application/x-python-serialize'));
    await harness.settle();
    expect(harness.broker.rejected[0]?.reason).toContain('application/x-python-serialize');
  });

  it('rejects a message whose eta is not an instant', async () => {
    harness = new WorkerHarness();
    harness.app.task('tasks.add', (x: number, y: number) => x + y);
    await harness.start();
    harness.broker.push(raw({ task: 'tasks.add', id: 'bad-eta', eta: 'tomorrow' }, '[[1, 2], {}, {}]'));
    await harness.settle();
    expect(harness.broker.rejected[0]?.reason).toContain('"tomorrow" is not an ISO-8601 instant');
    expect(harness.broker.acked).toHaveLength(0);
  });
});
