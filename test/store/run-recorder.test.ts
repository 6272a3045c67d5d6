import { describe, expect, it } from 'vitest';
import type { RunHistory, RunRecord } from '../../src/store/run-history.js';
import { RunRecorder } from '../../src/store/run-recorder.js';
import { ManualClock } from '../../src/util/clock.js';
import { Logger } from '../../src/util/log.js';

/** A history that notes each transaction's runs. */
function fakeHistory(fail = false): { history: RunHistory; batches: RunRecord[][] } {
  const batches: RunRecord[][] = [];
  const history = {
    record(runs: RunRecord[]) {
      if (fail) throw new Error('database is locked');
      batches.push(runs);
    },
  } as unknown as RunHistory;
  return { history, batches };
}

const run = (i: number): RunRecord => ({ name: `e${i}`, occurrenceMs: i, sentAtMs: i, taskId: `t${i}`, manual: false });
const silent = new Logger({ sink: () => {} });

describe('RunRecorder', () => {
  it('writes dispatches together shortly after, not on the dispatch path', async () => {
    const clock = new ManualClock(0);
    const { history, batches } = fakeHistory();
    const recorder = new RunRecorder(history, clock, silent);
    recorder.add(run(1));
    recorder.add(run(2));
    expect(batches).toEqual([]);
    await clock.advance(200);
    expect(batches).toEqual([[run(1), run(2)]]);
  });

  it('writes a burst in chunks, one transaction each, leaving the event loop free in between', async () => {
    const clock = new ManualClock(0);
    const { history, batches } = fakeHistory();
    const recorder = new RunRecorder(history, clock, silent);
    for (let i = 0; i < 4500; i++) recorder.add(run(i));
    await clock.advance(200);
    expect(batches.map((batch) => batch.length)).toEqual([2000, 2000, 500]);
    expect(batches.flat()).toEqual(Array.from({ length: 4500 }, (_, i) => run(i)));
  });

  it('writes what is still queued when closed', () => {
    const { history, batches } = fakeHistory();
    const recorder = new RunRecorder(history, new ManualClock(0), silent);
    recorder.add(run(1));
    recorder.close();
    expect(batches).toEqual([[run(1)]]);
  });

  it('keeps the runs and tries again later while another process holds the write lock', async () => {
    const clock = new ManualClock(0);
    const { history, batches } = fakeHistory();
    let busy = true;
    const busyHistory = {
      record(runs: RunRecord[]) {
        if (busy) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        history.record(runs);
      },
    } as unknown as RunHistory;
    const recorder = new RunRecorder(busyHistory, clock, silent);
    recorder.add(run(1));
    await clock.advance(200);
    recorder.add(run(2));
    busy = false;
    await clock.advance(200);
    expect(batches).toEqual([[run(1), run(2)]]);
  });

  it('logs a failed write and carries on', async () => {
    const clock = new ManualClock(0);
    const lines: string[] = [];
    const recorder = new RunRecorder(fakeHistory(true).history, clock, new Logger({ sink: (line) => lines.push(line) }));
    recorder.add(run(1));
    await clock.advance(200);
    expect(lines.join('')).toContain('ERROR/MainProcess] beat: could not record 1 run(s) in the schedule store: database is locked');
  });
});
