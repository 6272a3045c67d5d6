import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Beat, type Dispatch } from '../../src/beat/beat.js';
import type { BeatStateBackend, Claim, ClaimOutcome } from '../../src/beat/interfaces.js';
import { SqliteBeatState } from '../../src/beat/state/sqlite-state.js';
import { occurrenceTaskId } from '../../src/protocol/ids.js';
import type { TaskMessage } from '../../src/protocol/types.js';
import { parseEntry } from '../../src/schedule/entry.js';
import type { Entry } from '../../src/schedule/entry-types.js';
import { ManualClock } from '../../src/util/clock.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const SEC = 1000;

function entry(name: string, raw: Record<string, unknown>): Entry {
  return parseEntry(name, { task: `tasks.${name}`, ...raw });
}

/** A beat on an in-memory SQLite state, recording what it enqueues. */
function harness(db = new Database(':memory:')) {
  const enqueued: TaskMessage[] = [];
  const backend = new SqliteBeatState(db, (messages) => enqueued.push(...messages), 'memory');
  return { db, backend, enqueued };
}

const beats: Beat[] = [];
function startBeat(backend: BeatStateBackend, clock: ManualClock): { beat: Beat; sent: Dispatch[] } {
  const beat = new Beat({ backend, clock });
  const sent: Dispatch[] = [];
  beat.on('sent', (d) => sent.push(d));
  beats.push(beat);
  return { beat, sent };
}

afterEach(async () => {
  await Promise.all(beats.splice(0).map((b) => b.stop()));
});

describe('Beat', () => {
  it('publishes an interval entry once per interval with a deterministic task id and occurrence headers', async () => {
    const clock = new ManualClock(T0);
    const { backend, enqueued } = harness();
    const { beat } = startBeat(backend, clock);
    await beat.start([entry('tick', { schedule: '10s', args: [1, 2] })]);
    await clock.advance(35 * SEC);
    expect(enqueued.map((m) => m.headers.celeriac_occurrence)).toEqual([
      new Date(T0 + 10 * SEC).toISOString(),
      new Date(T0 + 20 * SEC).toISOString(),
      new Date(T0 + 30 * SEC).toISOString(),
    ]);
    expect(enqueued[0]!.headers).toMatchObject({ task: 'tasks.tick', id: occurrenceTaskId('tick', T0 + 10 * SEC), periodic_task_name: 'tick' });
  });

  it('sleeps until the next due entry instead of polling', async () => {
    const clock = new ManualClock(T0);
    const { backend } = harness();
    const { beat } = startBeat(backend, clock);
    await beat.start([entry('hourly', { schedule: '0 * * * *' })]);
    await clock.advance(1);
    expect(clock.pendingTimers()).toBe(1);
    expect(beat.nextDue().get('hourly')).toBe(T0 + 3600 * SEC);
  });

  it('applies a reload at once, touching only the entries that changed', async () => {
    const clock = new ManualClock(T0);
    const { backend, enqueued } = harness();
    const { beat } = startBeat(backend, clock);
    await beat.start([entry('a', { schedule: '10s' }), entry('b', { schedule: '10s' }), entry('c', { schedule: '10s' })]);
    await clock.advance(15 * SEC);
    const summary = await beat.setEntries([entry('a', { schedule: '10s' }), entry('b', { schedule: '4s' }), entry('d', { schedule: '10s' })]);
    expect(summary).toEqual({ added: ['d'], changed: ['b'], removed: ['c'], unchanged: 1 });
    enqueued.length = 0;
    await clock.advance(10 * SEC);
    const sentBy = (name: string) => enqueued.filter((m) => m.headers.periodic_task_name === name).map((m) => Date.parse(m.headers.celeriac_occurrence as string) - T0);
    expect(sentBy('a')).toEqual([20 * SEC]); // unchanged: its grid goes on
    expect(sentBy('b')).toEqual([19 * SEC, 23 * SEC]); // changed interval: re-anchored at the change (15 s)
    expect(sentBy('c')).toEqual([]);
    expect(sentBy('d')).toEqual([25 * SEC]);
  });

  it('applies live edits to some entries without touching the others', async () => {
    const clock = new ManualClock(T0);
    const { backend, enqueued } = harness();
    const { beat } = startBeat(backend, clock);
    await beat.start([entry('a', { schedule: '10s' }), entry('b', { schedule: '10s' })]);
    await clock.advance(5 * SEC);
    const summary = await beat.updateEntries([entry('c', { schedule: '2s' }), entry('a', { schedule: '10s' })], ['b']);
    expect(summary).toEqual({ added: ['c'], changed: [], removed: ['b'], unchanged: 1 });
    await clock.advance(6 * SEC);
    expect(enqueued.map((m) => `${m.headers.periodic_task_name}@${(Date.parse(m.headers.celeriac_occurrence as string) - T0) / SEC}`))
      .toEqual(['c@7', 'c@9', 'a@10', 'c@11']);
  });

  it('does not send an occurrence twice when restarted, and sends one catch-up for the time it was down', async () => {
    const clock = new ManualClock(T0);
    const { db, backend, enqueued } = harness();
    const first = startBeat(backend, clock);
    const entries = [entry('m', { schedule: '60s' })];
    await first.beat.start(entries);
    await clock.advance(125 * SEC);
    await first.beat.stop();
    expect(enqueued).toHaveLength(2);

    await clock.advance(10 * 60 * SEC); // down for ten minutes
    const second = startBeat(new SqliteBeatState(db, (m) => enqueued.push(...m), 'memory'), clock);
    await second.beat.start(entries);
    await clock.advance(1);
    const occurrences = enqueued.map((m) => Date.parse(m.headers.celeriac_occurrence as string) - T0);
    // 180 s ... 660 s were more than a minute overdue: missed "once" sends only the newest of them;
    // 720 s is five seconds late, which is late, not missed.
    expect(occurrences).toEqual([60 * SEC, 120 * SEC, 660 * SEC, 720 * SEC]);
    expect(new Set(enqueued.map((m) => m.headers.id)).size).toBe(enqueued.length);
  });

  it('lets two beats on one state send each occurrence exactly once', async () => {
    const clock = new ManualClock(T0);
    const db = new Database(':memory:');
    const enqueued: TaskMessage[] = [];
    const entries = Array.from({ length: 50 }, (_, i) => entry(`e${i}`, { schedule: `${1 + (i % 7)}s` }));
    const a = startBeat(new SqliteBeatState(db, (m) => enqueued.push(...m), 'a'), clock);
    const b = startBeat(new SqliteBeatState(db, (m) => enqueued.push(...m), 'b'), clock);
    await a.beat.start(entries);
    await b.beat.start(entries);
    await clock.advance(60 * SEC);
    const ids = enqueued.map((m) => m.headers.id);
    expect(new Set(ids).size).toBe(ids.length);
    const expected = entries.reduce((n, _, i) => n + Math.floor(60 / (1 + (i % 7))), 0);
    expect(ids.length).toBe(expected);
    expect(a.sent.length + b.sent.length).toBe(expected);
  });

  it('retries with backoff while the backend is away, then treats what it missed by the missed policy', async () => {
    const clock = new ManualClock(T0);
    const { backend, enqueued } = harness();
    let down = false;
    const flaky: BeatStateBackend = {
      description: 'flaky',
      register: (r, now) => backend.register(r, now),
      read: (names) => backend.read(names),
      close: () => backend.close(),
      claim: async (claims: Claim[]): Promise<ClaimOutcome[]> => {
        if (down) throw new Error('connection refused');
        return backend.claim(claims);
      },
    };
    const { beat } = startBeat(flaky, clock);
    const errors: Error[] = [];
    beat.on('backendError', (e) => errors.push(e));
    await beat.start([entry('skip', { schedule: '10s', missed: 'skip' }), entry('all', { schedule: '10s', missed: 'all' })]);
    await clock.advance(10 * SEC);
    down = true;
    await clock.advance(120 * SEC);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThan(20); // backoff, not a busy loop
    down = false;
    await clock.advance(30 * SEC);
    const of = (name: string) => enqueued.filter((m) => m.headers.periodic_task_name === name).map((m) => (Date.parse(m.headers.celeriac_occurrence as string) - T0) / SEC);
    expect(of('all')).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160]);
    const skipped = of('skip');
    expect(skipped[0]).toBe(10);
    expect(skipped).not.toContain(50); // more than a minute overdue when the backend came back
    expect(skipped.at(-1)).toBe(160);
  });

  it('stops promptly while sleeping', async () => {
    const clock = new ManualClock(T0);
    const { backend } = harness();
    const { beat } = startBeat(backend, clock);
    await beat.start([entry('daily', { schedule: '0 0 * * *' })]);
    await beat.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});
