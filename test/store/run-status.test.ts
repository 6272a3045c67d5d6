import { describe, expect, it } from 'vitest';
import type { ResultMeta } from '../../src/worker/backends/meta.js';
import type { ResultBackend } from '../../src/worker/backends/types.js';
import type { RunRecord } from '../../src/store/run-history.js';
import { runStatuses } from '../../src/store/run-status.js';

function backendWith(metas: ResultMeta[]): ResultBackend {
  const byId = new Map(metas.map((meta) => [meta.task_id, meta]));
  return {
    displayUrl: 'memory://',
    store: async () => {},
    get: async (taskId) => byId.get(taskId) ?? null,
    waitFor: async () => { throw new Error('not used'); },
    close: async () => {},
  };
}

const run = (taskId: string): RunRecord => ({ name: 'job', occurrenceMs: 1_000, sentAtMs: 1_002, taskId, manual: false });
const meta = (taskId: string, fields: Partial<ResultMeta>): ResultMeta => ({
  status: 'SUCCESS', result: null, traceback: null, children: [], date_done: null, task_id: taskId, ...fields,
});

describe('run states from the result backend', () => {
  it("shows a celeriac worker's success with its result and duration", async () => {
    const [status] = await runStatuses([run('ok')], backendWith([meta('ok', { result: 5, date_done: '2026-03-01T12:00:01.250000', duration: 0.042 })]));
    expect(status).toEqual({ ...run('ok'), state: 'SUCCESS', result: 5, finishedAtMs: Date.parse('2026-03-01T12:00:01.250Z'), durationSeconds: 0.042 });
  });

  it("shows a Python worker's success with its finish time (read as UTC, as Celery writes it) and no duration", async () => {
    const [status] = await runStatuses([run('py')], backendWith([meta('py', { result: 'recorded', date_done: '2026-03-01T12:00:01.250000' })]));
    expect(status).toMatchObject({ state: 'SUCCESS', finishedAtMs: Date.parse('2026-03-01T12:00:01.250Z'), durationSeconds: null });
  });

  it('shows a failure as the exception type and message', async () => {
    const failure = meta('bad', { status: 'FAILURE', result: { exc_type: 'ZeroDivisionError', exc_message: ['division by zero'], exc_module: 'builtins' } });
    const [status] = await runStatuses([run('bad')], backendWith([failure]));
    expect(status).toMatchObject({ state: 'FAILURE', error: 'ZeroDivisionError: division by zero' });
    expect(status).not.toHaveProperty('result');
  });

  it('is PENDING while the backend has nothing, and unknown without a backend', async () => {
    expect((await runStatuses([run('queued')], backendWith([])))[0]).toMatchObject({ state: 'PENDING', finishedAtMs: null });
    expect((await runStatuses([run('queued')], null))[0]).toMatchObject({ state: null });
  });
});
