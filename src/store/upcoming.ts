import type { EntryState } from '../beat/interfaces.js';
import type { Entry } from '../schedule/entry-types.js';
import { scheduleFingerprint } from '../schedule/fingerprint.js';
import { nextEntryRun } from '../schedule/next.js';

/**
 * The next `count` occurrences of an entry after `nowMs`, as beat will send them: on the interval
 * grid beat persisted (its anchor) when beat has seen this definition, else as beat would place it
 * if it saw it now (an interval's first run one interval later). None when disabled; no more than
 * `limit` leaves. Pure: `nowMs` and the state come in as parameters.
 */
export function upcomingRuns(entry: Entry, state: EntryState | undefined, nowMs: number, count: number): number[] {
  if (!entry.enabled) return [];
  // State of another definition (an edit beat has not applied yet) says nothing: beat re-anchors on applying it.
  const current = state !== undefined && state.fingerprint === scheduleFingerprint(entry) ? state : undefined;
  const left = entry.limit === undefined ? count : Math.min(count, entry.limit - (current?.runs ?? 0));
  const anchorMs = current?.anchorMs ?? nowMs;
  const runs: number[] = [];
  for (let after = nowMs; runs.length < left; ) {
    const next = nextEntryRun(entry, after, anchorMs);
    if (next === null) break;
    runs.push(next);
    after = next;
  }
  return runs;
}
