import { intervalAnchor, nextEntryRun, type EntryBounds } from '../schedule/next.js';

/**
 * The newest `keep` occurrences of an entry in (afterMs, untilMs], oldest first.
 *
 * After a long outage an entry may have millions of past occurrences (a per-second cron down for a
 * month); policies only ever need the newest few, so intervals are done arithmetically and other kinds
 * search windows growing back from `untilMs` instead of walking from `afterMs`.
 */
export function newestOccurrences(
  entry: EntryBounds,
  anchorMs: number,
  afterMs: number,
  untilMs: number,
  keep: number,
): number[] {
  const until = Math.min(untilMs, entry.endMs ?? Infinity);
  if (keep <= 0 || until <= afterMs) return [];
  if (entry.schedule.kind === 'interval') {
    return newestOnGrid(entry.schedule.everyMs, intervalAnchor(entry, anchorMs), afterMs, until, keep);
  }
  for (let spanMs = 60_000; ; spanMs *= 8) {
    const from = Math.max(afterMs, until - spanMs);
    const found = walk(entry, anchorMs, from, until, keep);
    if (found.length >= keep || from === afterMs) return found;
  }
}

/** Grid points origin + k × everyMs, k ≥ 1, in (afterMs, untilMs]. */
function newestOnGrid(everyMs: number, originMs: number, afterMs: number, untilMs: number, keep: number): number[] {
  const firstK = Math.max(1, Math.floor((afterMs - originMs) / everyMs) + 1);
  const lastK = Math.floor((untilMs - originMs) / everyMs);
  const result: number[] = [];
  for (let k = Math.max(firstK, lastK - keep + 1); k <= lastK; k++) result.push(originMs + k * everyMs);
  return result;
}

function walk(entry: EntryBounds, anchorMs: number, fromMs: number, untilMs: number, keep: number): number[] {
  const ring: number[] = [];
  for (let at = nextEntryRun(entry, fromMs, anchorMs); at !== null && at <= untilMs; at = nextEntryRun(entry, at, anchorMs)) {
    ring.push(at);
    if (ring.length > keep) ring.shift();
  }
  return ring;
}
