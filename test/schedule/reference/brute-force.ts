/**
 * A deliberately naive model of cron to check the engine against: step the clock through every
 * minute (every second for six-field schedules), read its wall time from luxon, and apply the
 * ISC/Vixie rules literally. Shares no code with src/schedule. Slow; tests only.
 *
 * Assumes UTC offsets change only at whole UTC minutes, which holds for every zone the tests use
 * in 2000-2037 (so one offset lookup per minute is exact, also for the seconds in it).
 */
import { IANAZone } from 'luxon';

export interface WallDay {
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday */
  weekday: number;
  daysInMonth: number;
}

/** A cron schedule as predicates, built by the test's generator alongside the text it renders. */
export interface ReferenceCron {
  withSeconds: boolean;
  second(value: number): boolean;
  minute(value: number): boolean;
  hour(value: number): boolean;
  month(value: number): boolean;
  dayOfMonth(day: WallDay): boolean;
  dayOfWeek(day: WallDay): boolean;
  /** A cron string needs either day field when both are restricted; a Celery crontab needs both. */
  dayRule: 'either' | 'both';
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
  /** Neither minute nor hour starts with `*`. */
  fixedTime: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** No zone the tests use turns its clock back by more than two hours in 2000-2037. */
const LOOK_BACK = 3 * HOUR;

const offsetCache = new Map<string, Map<number, number>>();

/** Wall clock minus UTC in ms at `instant`, from luxon (cached per UTC minute). */
export function offsetAt(zone: string, instant: number): number {
  let cache = offsetCache.get(zone);
  if (!cache) offsetCache.set(zone, (cache = new Map()));
  const minute = Math.floor(instant / MINUTE);
  let offset = cache.get(minute);
  if (offset === undefined) {
    offset = Math.round(IANAZone.create(zone).offset(minute * MINUTE) * MINUTE);
    cache.set(minute, offset);
  }
  return offset;
}

export function wallAt(zone: string, instant: number): number {
  return instant + offsetAt(zone, instant);
}

/** Whether a wall time (local fields written as UTC milliseconds) matches. */
export function matchesWall(cron: ReferenceCron, wall: number): boolean {
  const date = new Date(wall);
  if (!cron.second(date.getUTCSeconds()) || !cron.minute(date.getUTCMinutes()) || !cron.hour(date.getUTCHours())) return false;
  if (!cron.month(date.getUTCMonth() + 1)) return false;
  const day: WallDay = {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    weekday: date.getUTCDay(),
    daysInMonth: new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate(),
  };
  const byMonthDay = cron.dayOfMonth(day);
  const byWeekday = cron.dayOfWeek(day);
  return cron.dayRule === 'either' && cron.dayOfMonthRestricted && cron.dayOfWeekRestricted
    ? byMonthDay || byWeekday
    : byMonthDay && byWeekday;
}

/** The first run strictly after `afterMs` within `horizonMs`, or null if none is that close. */
export function referenceNext(cron: ReferenceCron, zone: string, afterMs: number, horizonMs: number): number | null {
  const step = cron.withSeconds ? 1000 : MINUTE;
  const lastStep = Math.floor(afterMs / step) * step;
  if (!cron.fixedTime) {
    // Every instant whose wall time matches.
    for (let instant = lastStep + step; instant <= afterMs + horizonMs; instant += step) {
      if (matchesWall(cron, wallAt(zone, instant))) return instant;
    }
    return null;
  }
  // Each matching wall time once: at the first instant the clock shows it or a later time.
  let shown = -Infinity;
  for (let instant = lastStep - LOOK_BACK; instant <= lastStep; instant += step) {
    shown = Math.max(shown, wallAt(zone, instant));
  }
  for (let instant = lastStep + step; instant <= afterMs + horizonMs; instant += step) {
    const wall = wallAt(zone, instant);
    for (let candidate = shown + step; candidate <= wall; candidate += step) {
      if (matchesWall(cron, candidate)) return instant;
    }
    shown = Math.max(shown, wall);
  }
  return null;
}

/** The first instant after `fromMs` (within `days`) where the zone's offset changes, to the minute. */
export function nextOffsetChange(zone: string, fromMs: number, days: number): number | null {
  const DAY = 24 * HOUR;
  const start = Math.floor(fromMs / MINUTE) * MINUTE;
  const initial = offsetAt(zone, start);
  for (let day = 1; day <= days; day++) {
    if (offsetAt(zone, start + day * DAY) !== initial) {
      let low = start + (day - 1) * DAY;
      let high = start + day * DAY;
      while (high - low > MINUTE) {
        const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
        if (offsetAt(zone, middle) === initial) low = middle;
        else high = middle;
      }
      return high;
    }
  }
  return null;
}
