/**
 * The next-run engine: one dispatcher over the schedule kinds, plus the entry-level bounds
 * (`start`, `end`). Pure: every instant comes in as a parameter.
 */
import { nextCron } from './cron.js';
import type { Entry } from './entry-types.js';
import { nextOnGrid } from './interval.js';
import { nextSolar } from './solar.js';
import type { Schedule } from './types.js';

/**
 * The first occurrence strictly after `afterMs` (the last run), or null when there is none.
 * Intervals run on the grid anchorMs + k × everyMs, k ≥ 1; the anchor defaults to `afterMs`.
 */
export function nextRun(schedule: Schedule, afterMs: number, anchorMs: number = afterMs): number | null {
  switch (schedule.kind) {
    case 'interval':
      return nextOnGrid(schedule.everyMs, anchorMs, afterMs);
    case 'cron':
      return nextCron(schedule, afterMs);
    case 'solar':
      return nextSolar(schedule, afterMs);
    case 'clocked':
      return schedule.atMs > afterMs ? schedule.atMs : null;
  }
}

/** Up to `count` successive occurrences after `afterMs`; fewer when the schedule ends. */
export function nextRuns(schedule: Schedule, afterMs: number, count: number, anchorMs: number = afterMs): number[] {
  const runs: number[] = [];
  let after = afterMs;
  while (runs.length < count) {
    const next = nextRun(schedule, after, anchorMs);
    if (next === null) break;
    runs.push(next);
    after = next;
  }
  return runs;
}

/**
 * An entry's next occurrence strictly after `afterMs`, within its `start` / `end` (a run exactly at
 * either bound counts). An interval with a `start` runs at start + k × every, k ≥ 0 (the first run
 * at `start` itself, as written); without one its grid is anchored at `anchorMs` (beat's persisted
 * first-seen instant, default `afterMs`) and, as in Celery, first runs one interval later.
 * `limit` and `enabled` depend on beat state and are beat's to apply.
 */
export function nextEntryRun(entry: EntryBounds, afterMs: number, anchorMs: number = afterMs): number | null {
  const { schedule, startMs, endMs } = entry;
  let next: number | null;
  if (schedule.kind === 'interval') {
    next = nextRun(schedule, afterMs, intervalAnchor(entry, anchorMs));
  } else {
    next = nextRun(schedule, startMs === undefined ? afterMs : Math.max(afterMs, startMs - 1));
  }
  return next !== null && (endMs === undefined || next <= endMs) ? next : null;
}

/** What nextEntryRun needs of an entry. */
export type EntryBounds = Pick<Entry, 'schedule' | 'startMs' | 'endMs'>;

/**
 * The origin of an interval entry's grid (occurrences are origin + k × every, k ≥ 1): one interval
 * before `start` when the entry has one, so the first run is at `start`; else beat's anchor.
 */
export function intervalAnchor(entry: EntryBounds, anchorMs: number): number {
  const { schedule, startMs } = entry;
  return startMs !== undefined && schedule.kind === 'interval' ? startMs - schedule.everyMs : anchorMs;
}
