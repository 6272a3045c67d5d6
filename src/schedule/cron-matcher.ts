/**
 * The wall-clock half of the cron engine: given a wall time (local date and time, written as if it
 * were UTC milliseconds), the next wall time the fields match. Zones and clock changes are
 * cron-next.ts's business; this is pure calendar arithmetic on lookup tables and 31-bit day masks.
 */
import type { CronFields, CronSchedule } from './types.js';
import {
  DAY_MS,
  SECOND_MS,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  maxDaysInMonth,
  weekdayOfDays,
} from './cron-calendar.js';

/** `either`: Vixie's rule for cron strings (OR when both day fields are restricted); `both`: Celery's AND. */
export type DayRule = 'either' | 'both';

/** The Gregorian calendar repeats every 400 years, so a search that long finds every possible day. */
const SEARCH_YEARS = 400;
/** The last year a JavaScript Date can hold. */
const LAST_YEAR = 275759;

export class CronMatcher {
  private readonly nextSecond: Int8Array;
  private readonly nextMinute: Int8Array;
  private readonly nextHour: Int8Array;
  private readonly nextMonth: Int8Array;
  /** Seconds of the day of the first matching time. */
  private readonly firstTimeOfDay: number;
  /** Matching days (bit d-1 for day d), by month length (28-31) and the weekday of the 1st. */
  private readonly dayMasks: Int32Array;

  constructor(
    private readonly fields: CronFields,
    dayRule: DayRule,
  ) {
    this.nextSecond = nextValueTable(fields.seconds, 60);
    this.nextMinute = nextValueTable(fields.minutes, 60);
    this.nextHour = nextValueTable(fields.hours, 24);
    this.nextMonth = nextValueTable(fields.months, 13);
    this.firstTimeOfDay = fields.hours[0]! * 3600 + fields.minutes[0]! * 60 + fields.seconds[0]!;
    this.dayMasks = new Int32Array(4 * 7);
    for (let length = 28; length <= 31; length++) {
      for (let firstWeekday = 0; firstWeekday < 7; firstWeekday++) {
        this.dayMasks[dayMaskIndex(length, firstWeekday)] = this.computeDayMask(length, firstWeekday, dayRule);
      }
    }
  }

  /**
   * Whether the fields match on some day of some year. Every month has, in some year, every weekday
   * as its 1st (and February both lengths), so the day masks tell exactly.
   */
  everMatches(): boolean {
    return this.fields.months.some((month) =>
      (month === 2 ? [28, 29] : [maxDaysInMonth(month)]).some((length) =>
        Array.from({ length: 7 }, (_, firstWeekday) => firstWeekday).some(
          (firstWeekday) => this.dayMasks[dayMaskIndex(length, firstWeekday)] !== 0,
        ),
      ),
    );
  }

  /**
   * The earliest matching wall time at or after `fromWall` (rounded up to a whole second), or
   * null when there is none within 400 years (or before the end of the Date range).
   */
  nextWallTime(fromWall: number): number | null {
    const from = Math.ceil(fromWall / SECOND_MS) * SECOND_MS;
    const fromDays = Math.floor(from / DAY_MS);
    let { year, month, day } = civilFromDays(fromDays);
    let secondOfDay = (from - fromDays * DAY_MS) / SECOND_MS;
    const lastYear = Math.min(year + SEARCH_YEARS, LAST_YEAR);
    while (year <= lastYear) {
      const matchingMonth = this.nextMonth[month]!;
      if (matchingMonth !== month) {
        // The rest of this year has no matching month: start at the first one next year.
        if (matchingMonth < 0) year += 1;
        month = matchingMonth < 0 ? this.nextMonth[1]! : matchingMonth;
        day = 1;
        secondOfDay = 0;
        continue;
      }
      const firstDays = daysFromCivil(year, month, 1);
      const length = daysInMonth(year, month);
      // Days from `day` on that match; at most two are needed: today may have no time left.
      let days = this.dayMasks[dayMaskIndex(length, weekdayOfDays(firstDays))]! & ~((1 << (day - 1)) - 1);
      while (days !== 0) {
        const matchDay = 32 - Math.clz32(days & -days);
        const time = matchDay === day ? this.nextTimeOfDay(secondOfDay) : this.firstTimeOfDay;
        if (time >= 0) return (firstDays + matchDay - 1) * DAY_MS + time * SECOND_MS;
        days &= days - 1;
      }
      month += 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
      day = 1;
      secondOfDay = 0;
    }
    return null;
  }

  /** The first matching second of the day at or after `secondOfDay`, or -1. */
  private nextTimeOfDay(secondOfDay: number): number {
    const hour = Math.floor(secondOfDay / 3600);
    const minute = Math.floor((secondOfDay % 3600) / 60);
    const second = secondOfDay % 60;
    const firstMinute = this.nextMinute[0]!;
    const firstSecond = this.nextSecond[0]!;
    const matchingHour = this.nextHour[hour]!;
    if (matchingHour !== hour) return matchingHour < 0 ? -1 : matchingHour * 3600 + firstMinute * 60 + firstSecond;
    const matchingMinute = this.nextMinute[minute]!;
    if (matchingMinute === minute) {
      const matchingSecond = this.nextSecond[second]!;
      if (matchingSecond >= 0) return hour * 3600 + minute * 60 + matchingSecond;
    }
    const laterMinute = matchingMinute === minute ? this.nextMinute[minute + 1]! : matchingMinute;
    if (laterMinute >= 0) return hour * 3600 + laterMinute * 60 + firstSecond;
    const laterHour = this.nextHour[hour + 1]!;
    return laterHour < 0 ? -1 : laterHour * 3600 + firstMinute * 60 + firstSecond;
  }

  private computeDayMask(length: number, firstWeekday: number, dayRule: DayRule): number {
    const f = this.fields;
    const weekdayOf = (day: number) => (firstWeekday + day - 1) % 7;
    const bit = (day: number) => (day >= 1 && day <= length ? 1 << (day - 1) : 0);
    let byMonthDay = 0;
    for (const day of f.daysOfMonth) byMonthDay |= bit(day);
    for (const offset of f.lastDayOffsets) byMonthDay |= bit(length - offset);
    for (const day of f.nearestWeekdays) byMonthDay |= bit(day <= length ? nearestWeekday(day, length, weekdayOf(day)) : 0);
    if (f.lastWeekdayOfMonth) byMonthDay |= bit(nearestWeekday(length, length, weekdayOf(length)));
    let byWeekday = 0;
    for (let day = 1; day <= length; day++) {
      if (f.daysOfWeek.includes(weekdayOf(day))) byWeekday |= bit(day);
    }
    for (const weekday of f.lastWeekdays) byWeekday |= bit(length - ((weekdayOf(length) - weekday + 7) % 7));
    for (const [weekday, n] of f.nthWeekdays) byWeekday |= bit(1 + ((weekday - firstWeekday + 7) % 7) + 7 * (n - 1));
    const either = dayRule === 'either' && f.dayOfMonthRestricted && f.dayOfWeekRestricted;
    return either ? byMonthDay | byWeekday : byMonthDay & byWeekday;
  }
}

function dayMaskIndex(length: number, firstWeekday: number): number {
  return (length - 28) * 7 + firstWeekday;
}

/**
 * `nW` (Quartz): day n if it is a weekday, else the nearest weekday in the same month: Saturday
 * moves to Friday (to Monday the 3rd when n is the 1st), Sunday to Monday (to Friday when n is the last day).
 */
function nearestWeekday(day: number, length: number, weekday: number): number {
  if (weekday === 6) return day === 1 ? 3 : day - 1;
  if (weekday === 0) return day === length ? day - 2 : day + 1;
  return day;
}

/** table[v] = the smallest matching value ≥ v, or -1; one slot past the end holds -1. */
function nextValueTable(values: readonly number[], size: number): Int8Array {
  const table = new Int8Array(size + 1).fill(-1);
  let next = -1;
  for (let value = size - 1; value >= 0; value--) {
    if (values.includes(value)) next = value;
    table[value] = next;
  }
  return table;
}

const matchers = new WeakMap<CronFields, CronMatcher>();

/** The schedule's matcher, built once per compiled fields object (fields themselves stay plain data). */
export function matcherFor(schedule: CronSchedule): CronMatcher {
  let matcher = matchers.get(schedule.fields);
  if (matcher === undefined) {
    matcher = new CronMatcher(schedule.fields, schedule.syntax === 'cron' ? 'either' : 'both');
    matchers.set(schedule.fields, matcher);
  }
  return matcher;
}
