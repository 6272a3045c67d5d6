import { describe, expect, it } from 'vitest';
import type { EntryState } from '../../src/beat/interfaces.js';
import { planEntry, type PlannedEntry } from '../../src/beat/planner.js';
import { compileCron } from '../../src/schedule/cron.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function every(ms: number, extra: Partial<PlannedEntry> = {}): PlannedEntry {
  return { schedule: { kind: 'interval', everyMs: ms }, enabled: true, missed: 'once', catchupLimit: 100, ...extra };
}

function firstSeen(atMs: number, extra: Partial<EntryState> = {}): EntryState {
  return { lastRunMs: null, runs: 0, anchorMs: atMs, sinceMs: atMs, fingerprint: 'f', enabled: true, ...extra };
}

describe('planEntry', () => {
  it('runs an interval one interval after it was first seen, not at once', () => {
    expect(planEntry(every(MIN), firstSeen(T0), T0, 0)).toEqual({ send: [], lastRunMs: null, nextOccurrenceMs: T0 + MIN });
    expect(planEntry(every(MIN), firstSeen(T0), T0 + MIN, 0)).toEqual({ send: [T0 + MIN], lastRunMs: T0 + MIN, nextOccurrenceMs: T0 + 2 * MIN });
  });

  it('sends an occurrence reached up to one minute late, carrying its intended instant', () => {
    const plan = planEntry(every(10 * MIN), firstSeen(T0), T0 + 10 * MIN + 59_000, 0);
    expect(plan.send).toEqual([T0 + 10 * MIN]);
  });

  it('keeps the grid: the next run follows the intended instant, not the late send', () => {
    const plan = planEntry(every(10 * MIN), firstSeen(T0), T0 + 10 * MIN + 30_000, 0);
    expect(plan.nextOccurrenceMs).toBe(T0 + 20 * MIN);
  });

  describe('missed runs (more than a minute overdue)', () => {
    const state = firstSeen(T0, { lastRunMs: T0 + MIN, runs: 1 });
    const now = T0 + 10 * MIN + 30_000; // occurrences at +2 ... +10 min are more than a minute overdue, except +10

    it('once: sends one catch-up carrying the newest missed instant, then the on-time one', () => {
      const plan = planEntry(every(MIN), state, now, 0);
      expect(plan.send).toEqual([T0 + 9 * MIN, T0 + 10 * MIN]);
      expect(plan.lastRunMs).toBe(T0 + 10 * MIN);
      expect(plan.nextOccurrenceMs).toBe(T0 + 11 * MIN);
    });

    it('skip: sends only what is not missed and moves past the rest', () => {
      const plan = planEntry(every(MIN, { missed: 'skip' }), state, now, 0);
      expect(plan.send).toEqual([T0 + 10 * MIN]);
      expect(plan.lastRunMs).toBe(T0 + 10 * MIN);
    });

    it('skip with nothing on time still records the newest missed occurrence as handled', () => {
      const allMissed = planEntry(every(10 * MIN, { missed: 'skip' }), firstSeen(T0), T0 + 25 * MIN, 0);
      expect(allMissed).toEqual({ send: [], lastRunMs: T0 + 20 * MIN, nextOccurrenceMs: T0 + 30 * MIN });
    });

    it('all: sends every missed occurrence, oldest first', () => {
      const plan = planEntry(every(MIN, { missed: 'all' }), state, now, 0);
      expect(plan.send).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => T0 + k * MIN));
    });

    it('all: keeps only the newest catchup_limit missed occurrences', () => {
      const plan = planEntry(every(MIN, { missed: 'all', catchupLimit: 3 }), state, now, 0);
      expect(plan.send).toEqual([7, 8, 9, 10].map((k) => T0 + k * MIN));
    });

    it('grace drops missed occurrences older than it, whatever the policy', () => {
      const plan = planEntry(every(MIN, { missed: 'all', graceMs: 4 * MIN }), state, now, 0);
      expect(plan.send).toEqual([7, 8, 9, 10].map((k) => T0 + k * MIN));
      const once = planEntry(every(10 * MIN, { graceMs: MIN }), firstSeen(T0), T0 + 25 * MIN, 0);
      expect(once.send).toEqual([]);
      expect(once.lastRunMs).toBe(T0 + 20 * MIN);
    });

    it('once: a per-second cron back after a month sends the newest missed second and the last minute', () => {
      const cron = compileCron('* * * * * *', 'UTC');
      const monthLater = T0 + 30 * 24 * 60 * MIN;
      const plan = planEntry({ ...every(1), schedule: cron }, firstSeen(T0, { lastRunMs: T0 }), monthLater + 500, 0);
      expect(plan.send[0]).toBe(monthLater - MIN);
      expect(plan.send.at(-1)).toBe(monthLater);
      expect(plan.send).toHaveLength(61);
    });
  });

  it('runs a start-anchored interval at start, not before it', () => {
    const start = T0 + 30 * MIN;
    const state = firstSeen(T0);
    expect(planEntry(every(MIN, { startMs: start }), state, T0, 0).nextOccurrenceMs).toBe(start);
    expect(planEntry(every(MIN, { startMs: start }), state, start, 0).send).toEqual([start]);
  });

  it('does not run a cron entry before start', () => {
    const cron = compileCron('0 * * * *', 'UTC');
    const start = T0 + 90 * MIN;
    expect(planEntry({ ...every(1), schedule: cron, startMs: start }, firstSeen(T0), T0, 0).nextOccurrenceMs).toBe(T0 + 120 * MIN);
  });

  it('retires after end', () => {
    const end = T0 + 2 * MIN + 1;
    const plan = planEntry(every(MIN, { endMs: end }), firstSeen(T0, { lastRunMs: T0 + MIN, runs: 1 }), T0 + 2 * MIN, 0);
    expect(plan).toEqual({ send: [T0 + 2 * MIN], lastRunMs: T0 + 2 * MIN, nextOccurrenceMs: null });
    const afterEnd = planEntry(every(MIN, { endMs: end }), firstSeen(T0, { lastRunMs: T0 + 2 * MIN }), T0 + 10 * MIN, 0);
    expect(afterEnd.send).toEqual([]);
    expect(afterEnd.nextOccurrenceMs).toBeNull();
  });

  it('retires once limit runs were sent', () => {
    const entry = every(MIN, { limit: 2 });
    const plan = planEntry(entry, firstSeen(T0, { lastRunMs: T0 + MIN, runs: 1 }), T0 + 2 * MIN, 0);
    expect(plan).toEqual({ send: [T0 + 2 * MIN], lastRunMs: T0 + 2 * MIN, nextOccurrenceMs: null });
    expect(planEntry(entry, firstSeen(T0, { runs: 2 }), T0 + 5 * MIN, 0).nextOccurrenceMs).toBeNull();
  });

  it('never sends more catch-ups than the limit leaves', () => {
    const plan = planEntry(every(MIN, { limit: 3, missed: 'all' }), firstSeen(T0, { runs: 1 }), T0 + 10 * MIN, 0);
    expect(plan.send).toEqual([T0 + MIN, T0 + 2 * MIN]);
    expect(plan.nextOccurrenceMs).toBeNull();
  });

  it('plans nothing for a disabled entry', () => {
    expect(planEntry(every(MIN, { enabled: false }), firstSeen(T0), T0 + 5 * MIN, 0).nextOccurrenceMs).toBeNull();
  });

  it('delays the send by the jitter offset without moving the occurrence, and measures lateness from the delayed send', () => {
    const jitter = 5 * MIN;
    expect(planEntry(every(10 * MIN), firstSeen(T0), T0 + 10 * MIN, jitter).send).toEqual([]);
    expect(planEntry(every(10 * MIN), firstSeen(T0), T0 + 15 * MIN, jitter).send).toEqual([T0 + 10 * MIN]);
    // 6 minutes after the occurrence is one minute after its jittered send: late, not missed.
    expect(planEntry(every(10 * MIN, { missed: 'skip' }), firstSeen(T0), T0 + 16 * MIN, jitter).send).toEqual([T0 + 10 * MIN]);
  });

  it('does not re-run a fixed-time cron entry when beat restarts inside the repeated hour', () => {
    // New York, 2025-11-02: 01:30 EDT is 05:30Z, and 01:30 EST (06:30Z) is the repeat.
    const cron = compileCron('30 1 * * *', 'America/New_York');
    const state = firstSeen(Date.parse('2025-11-01T12:00:00Z'), { lastRunMs: Date.parse('2025-11-02T05:30:00Z'), runs: 1 });
    const plan = planEntry({ ...every(1), schedule: cron }, state, Date.parse('2025-11-02T06:40:00Z'), 0);
    expect(plan.send).toEqual([]);
    expect(plan.nextOccurrenceMs).toBe(Date.parse('2025-11-03T06:30:00Z'));
  });

  it('does not count occurrences before the entry was first seen or changed as missed', () => {
    const cron = compileCron('0 * * * *', 'UTC');
    const plan = planEntry({ ...every(1), schedule: cron }, firstSeen(T0 + 30 * MIN, { lastRunMs: T0 - 600 * MIN }), T0 + 30 * MIN, 0);
    expect(plan.send).toEqual([]);
    expect(plan.nextOccurrenceMs).toBe(T0 + 60 * MIN);
  });
});
