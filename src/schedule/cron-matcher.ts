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

/**
 * Where each field's next-value table starts in the matcher's one Int8Array. table[v] is the
 * smallest matching value ≥ v, or -1; each table has one more slot than values, holding -1.
 */
const SECONDS_AT = 0;
const MINUTES_AT = SECONDS_AT + 61;
const HOURS_AT = MINUTES_AT + 61;
const MONTHS_AT = HOURS_AT + 25;
const TABLES_LENGTH = MONTHS_AT + 14;

export class CronMatcher {
  private readonly next: Int8Array;
  private readonly firstSecond: number;
  private readonly firstMinute: number;
  /** Seconds of the day of the first matching time. */
  private readonly firstTimeOfDay: number;
  /** Matching days (bit d-1 for day d), by month length (28-31) and the weekday of the 1st; -1 until needed. */
  private readonly dayMasks = new Int32Array(4 * 7).fill(-1);
  private readonly either: boolean;
  /** Bit d-1 for each plain day of the month d; bit w for each plain weekday w. */
  private readonly plainDays: number;
  private readonly plainWeekdays: number;

  constructor(
    private readonly fields: CronFields,
    dayRule: DayRule,
  ) {
    this.next = new Int8Array(TABLES_LENGTH).fill(-1);
    fillNextValues(this.next, SECONDS_AT, fields.seconds, 60);
    fillNextValues(this.next, MINUTES_AT, fields.minutes, 60);
    fillNextValues(this.next, HOURS_AT, fields.hours, 24);
    fillNextValues(this.next, MONTHS_AT, fields.months, 13);
    this.firstSecond = fields.seconds[0]!;
    this.firstMinute = fields.minutes[0]!;
    this.firstTimeOfDay = fields.hours[0]! * 3600 + this.firstMinute * 60 + this.firstSecond;
    this.either = dayRule === 'either' && fields.dayOfMonthRestricted && fields.dayOfWeekRestricted;
    let plainDays = 0;
    for (const day of fields.daysOfMonth) plainDays |= 1 << (day - 1);
    this.plainDays = plainDays;
    let plainWeekdays = 0;
    for (const weekday of fields.daysOfWeek) plainWeekdays |= 1 << weekday;
    this.plainWeekdays = plainWeekdays;
  }

  /**
   * Whether the fields match on some day of some year. Every month has, in some year, every weekday
   * as its 1st (and February both lengths), so the day masks tell exactly.
   */
  everMatches(): boolean {
    for (const month of this.fields.months) {
      for (let length = month === 2 ? 28 : maxDaysInMonth(month); length <= maxDaysInMonth(month); length++) {
        for (let firstWeekday = 0; firstWeekday < 7; firstWeekday++) {
          if (this.dayMask(length, firstWeekday) !== 0) return true;
        }
      }
    }
    return false;
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
      const matchingMonth = this.next[MONTHS_AT + month]!;
      if (matchingMonth !== month) {
        // On to the next matching month: next year's first when none is left this year.
        if (matchingMonth < 0) year += 1;
        month = matchingMonth < 0 ? this.next[MONTHS_AT + 1]! : matchingMonth;
        day = 1;
        secondOfDay = 0;
        continue;
      }
      const firstDays = daysFromCivil(year, month, 1);
      const length = daysInMonth(year, month);
      // Days from `day` on that match; at most two are needed: today may have no time left.
      let days = this.dayMask(length, weekdayOfDays(firstDays)) & ~((1 << (day - 1)) - 1);
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
    const { next, firstMinute, firstSecond } = this;
    const matchingHour = next[HOURS_AT + hour]!;
    if (matchingHour !== hour) return matchingHour < 0 ? -1 : matchingHour * 3600 + firstMinute * 60 + firstSecond;
    const matchingMinute = next[MINUTES_AT + minute]!;
    if (matchingMinute === minute) {
      const matchingSecond = next[SECONDS_AT + second]!;
      if (matchingSecond >= 0) return hour * 3600 + minute * 60 + matchingSecond;
    }
    const laterMinute = matchingMinute === minute ? next[MINUTES_AT + minute + 1]! : matchingMinute;
    if (laterMinute >= 0) return hour * 3600 + laterMinute * 60 + firstSecond;
    const laterHour = next[HOURS_AT + hour + 1]!;
    return laterHour < 0 ? -1 : laterHour * 3600 + firstMinute * 60 + firstSecond;
  }

  /** The matching days of a month of `length` days whose 1st is `firstWeekday` (bit d-1 for day d). */
  private dayMask(length: number, firstWeekday: number): number {
    const index = (length - 28) * 7 + firstWeekday;
    let mask = this.dayMasks[index]!;
    if (mask < 0) {
      mask = this.computeDayMask(length, firstWeekday);
      this.dayMasks[index] = mask;
    }
    return mask;
  }

  private computeDayMask(length: number, firstWeekday: number): number {
    const f = this.fields;
    const lastWeekday = weekdayOf(length, firstWeekday);
    let byMonthDay = this.plainDays & monthBits(length);
    for (const offset of f.lastDayOffsets) byMonthDay |= dayBit(length - offset, length);
    for (const day of f.nearestWeekdays) {
      if (day <= length) byMonthDay |= dayBit(nearestWeekday(day, length, weekdayOf(day, firstWeekday)), length);
    }
    if (f.lastWeekdayOfMonth) byMonthDay |= dayBit(nearestWeekday(length, length, lastWeekday), length);
    let byWeekday = 0;
    for (let day = 1; day <= length; day++) {
      if (this.plainWeekdays & (1 << weekdayOf(day, firstWeekday))) byWeekday |= 1 << (day - 1);
    }
    for (const weekday of f.lastWeekdays) byWeekday |= dayBit(length - ((lastWeekday - weekday + 7) % 7), length);
    for (const [weekday, n] of f.nthWeekdays) byWeekday |= dayBit(1 + ((weekday - firstWeekday + 7) % 7) + 7 * (n - 1), length);
    return this.either ? byMonthDay | byWeekday : byMonthDay & byWeekday;
  }
}

function weekdayOf(day: number, firstWeekday: number): number {
  return (firstWeekday + day - 1) % 7;
}

/** Days 1..length of a month. */
function monthBits(length: number): number {
  return length === 31 ? 0x7fffffff : (1 << length) - 1;
}

/** The bit of `day`, or nothing when the month has no such day. */
function dayBit(day: number, length: number): number {
  return day >= 1 && day <= length ? 1 << (day - 1) : 0;
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

/** Fills table[at + v] for v < size (the slot at + size stays -1). */
function fillNextValues(table: Int8Array, at: number, values: readonly number[], size: number): void {
  for (const value of values) table[at + value] = value;
  for (let value = size - 1; value >= 0; value--) {
    if (table[at + value] === -1) table[at + value] = table[at + value + 1]!;
  }
}

/** Where a fields object keeps its matcher: a symbol, not enumerable, so JSON, fingerprints and
 * equality never see it (a WeakMap entry per schedule cost more than parsing the expression). */
const MATCHER = Symbol('cron matcher');

/** The matcher of compiled fields, built once and kept with them (fields belong to one syntax). */
export function matcherFor(fields: CronFields, syntax: CronSchedule['syntax']): CronMatcher {
  const holder = fields as CronFields & { [MATCHER]?: CronMatcher };
  let matcher = holder[MATCHER];
  if (matcher === undefined) {
    matcher = new CronMatcher(fields, syntax === 'cron' ? 'either' : 'both');
    // Fields rebuilt elsewhere (from JSON, then frozen) simply build theirs again next time.
    if (Object.isExtensible(fields)) Object.defineProperty(fields, MATCHER, { value: matcher });
  }
  return matcher;
}
