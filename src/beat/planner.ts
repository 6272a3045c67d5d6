import { nextEntryRun } from '../schedule/next.js';
import type { Entry } from '../schedule/entry-types.js';
import type { EntryState } from './interfaces.js';
import { newestOccurrences } from './occurrences.js';

/** An occurrence reached at most this late is sent late, not missed (schedules.md "Missed runs"). */
export const LATE_TOLERANCE_MS = 60_000;

export type PlannedEntry = Pick<
  Entry,
  'schedule' | 'enabled' | 'startMs' | 'endMs' | 'limit' | 'missed' | 'graceMs' | 'catchupLimit'
>;

export interface Plan {
  /** Occurrences to publish now, oldest first. */
  send: number[];
  /** The last run to store with the claim; null when nothing was due. */
  lastRunMs: number | null;
  /** The next occurrence after this plan, or null when the entry has retired. */
  nextOccurrenceMs: number | null;
}

/**
 * Decides what an entry sends at `nowMs`, from its persisted state alone (so a restarted or second
 * beat decides the same). Pure: `nowMs` is the only time it knows. `jitterMs` is the entry's fixed
 * send delay: an occurrence is due at occurrence + jitter and is late relative to that.
 */
export function planEntry(entry: PlannedEntry, state: EntryState, nowMs: number, jitterMs: number): Plan {
  const retired: Plan = { send: [], lastRunMs: null, nextOccurrenceMs: null };
  if (!entry.enabled || (entry.limit !== undefined && state.runs >= entry.limit)) return retired;

  const afterMs = Math.max(state.lastRunMs ?? -Infinity, state.sinceMs);
  const dueUntilMs = nowMs - jitterMs;
  // Occurrences after this instant are at most LATE_TOLERANCE_MS overdue (ranges are (after, until]).
  const lateFromMs = nowMs - jitterMs - LATE_TOLERANCE_MS - 1;

  // On time or only a little late: everything in the last minute is sent.
  const onTime = newestOccurrences(entry, state.anchorMs, Math.max(afterMs, lateFromMs), dueUntilMs, Infinity);
  // Missed: the policy keeps at most catchup_limit (all), one (once) or none (skip); grace drops old ones.
  const missedUntilMs = Math.min(dueUntilMs, lateFromMs);
  const keepMissed = entry.missed === 'all' ? entry.catchupLimit : 1;
  const missed = newestOccurrences(entry, state.anchorMs, afterMs, missedUntilMs, keepMissed);
  const newestHandled = onTime.at(-1) ?? missed.at(-1) ?? null;

  const graceFromMs = entry.graceMs === undefined ? -Infinity : nowMs - entry.graceMs;
  const missedSent = entry.missed === 'skip' ? [] : missed.filter((at) => at >= graceFromMs);
  let send = [...missedSent, ...onTime];
  if (entry.limit !== undefined) send = send.slice(0, entry.limit - state.runs);

  const runsAfter = state.runs + send.length;
  const limitReached = entry.limit !== undefined && runsAfter >= entry.limit;
  const nextOccurrenceMs = limitReached ? null : nextEntryRun(entry, newestHandled ?? afterMs, state.anchorMs);
  return { send, lastRunMs: newestHandled, nextOccurrenceMs };
}
