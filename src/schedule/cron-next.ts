/**
 * Next occurrence of a cron schedule in its zone, by the ISC/Vixie cron rule for clock changes
 * (schedules.md "Time zones and clock changes"). The matcher finds wall times; the zone's offset
 * table turns them into instants, consulted only at the edges of spans of constant offset.
 */
import type { CronSchedule } from './types.js';
import { HOUR_MS } from './cron-calendar.js';
import { type CronMatcher, matcherFor } from './cron-matcher.js';
import { ZoneRules } from './zone.js';

/** No UTC offset ever used (local mean times included) is this large, either way. */
const MAX_OFFSET_MS = 16 * HOUR_MS;

/** The first occurrence strictly after `afterMs` (the last run), or null if there is none. */
export function nextCron(schedule: CronSchedule, afterMs: number): number | null {
  const matcher = matcherFor(schedule.fields, schedule.syntax);
  const zone = ZoneRules.of(schedule.timezone);
  return schedule.fixedTime ? nextFixedTime(matcher, zone, afterMs) : nextWallClockTime(matcher, zone, afterMs);
}

/**
 * A fixed-time entry runs once per intended wall time, the first moment the clock shows that time
 * or later: a time skipped by a forward jump runs at the jump (once for all times in the gap), a
 * time repeated by a backward jump runs only the first time. The clock is taken to have run up to
 * `afterMs`, so wall times it has shown already are done, including those of a repeated hour.
 */
function nextFixedTime(matcher: CronMatcher, zone: ZoneRules, afterMs: number): number | null {
  const span = zone.spanAt(afterMs);
  // The first wall time the clock has not shown by afterMs: just past its reading then, or past
  // its reading before a backward change (older changes cannot matter: offsets are within
  // MAX_OFFSET_MS of zero, so no change repeats wall times shown 2 × MAX_OFFSET_MS before).
  let notYetShown = afterMs + span.offsetMs + 1;
  for (let change = span.start; change > afterMs - 2 * MAX_OFFSET_MS; ) {
    const before = zone.spanAt(change - 1);
    notYetShown = Math.max(notYetShown, change + before.offsetMs);
    change = before.start;
  }
  const wall = matcher.nextWallTime(notYetShown);
  if (wall === null) return null;
  for (let current = span, start = afterMs; ; ) {
    const instant = Math.max(start, wall - current.offsetMs);
    if (instant < current.end) return instant;
    // Before (wall - MAX_OFFSET_MS) no clock shows `wall` yet: skip the spans in between.
    start = Math.max(current.end, wall - MAX_OFFSET_MS);
    current = zone.spanAt(start);
  }
}

/**
 * A wildcard entry follows the wall clock: every instant whose wall time matches, so skipped wall
 * times never run and repeated ones run each time they are shown.
 */
function nextWallClockTime(matcher: CronMatcher, zone: ZoneRules, afterMs: number): number | null {
  let span = zone.spanAt(afterMs);
  let from = afterMs + span.offsetMs + 1;
  for (;;) {
    const wall = matcher.nextWallTime(from);
    if (wall === null) return null;
    const instant = wall - span.offsetMs;
    if (instant < span.end) return instant;
    // From span.end on, clocks show at least (span.end - MAX_OFFSET_MS), so the next match shows
    // `reachable` or later, which no clock does before (reachable - MAX_OFFSET_MS).
    const reachable = matcher.nextWallTime(span.end - MAX_OFFSET_MS);
    if (reachable === null) return null;
    const start = Math.max(span.end, reachable - MAX_OFFSET_MS);
    span = zone.spanAt(start);
    from = start + span.offsetMs;
  }
}
