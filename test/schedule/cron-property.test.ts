/**
 * nextCron against the brute-force reference (reference/brute-force.ts) on random cron strings and
 * Celery crontabs in zones with unusual clock changes, 2000-2037. Most cases are aimed at a clock
 * change: "after" lands within a day of it and the hour and day fields are drawn around it, so gaps
 * and repeated hours are really crossed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../../src/errors.js';
import { compileCron, nextCron } from '../../src/schedule/cron.js';
import { compileCrontab } from '../../src/schedule/crontab.js';
import { type ReferenceCron, type WallDay, nextOffsetChange, offsetAt, referenceNext, wallAt } from './reference/brute-force.js';

const ZONES = [
  'Australia/Lord_Howe', // 30-minute DST
  'Asia/Kathmandu', // +05:45
  'Australia/Adelaide', // +09:30/+10:30
  'America/Santiago', // southern DST, changes at 24:00
  'Pacific/Auckland',
  'America/Sao_Paulo', // DST (until 2019) starting at midnight
  'Asia/Tehran', // DST until 2022, +03:30
  'Europe/Moscow', // permanent +04 2011-2014
  'Pacific/Apia', // skipped 2011-12-30
  'America/St_Johns', // -03:30
  'Africa/Casablanca', // DST suspended for Ramadan
  'Europe/Dublin', // negative DST
  'America/New_York',
  'Europe/Stockholm',
  'UTC',
  'Asia/Shanghai',
  'Antarctica/Troll', // +00 / +02
  'Pacific/Chatham', // +12:45 / +13:45
  'America/Havana', // changes at midnight
  'Asia/Gaza',
] as const;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface Field<T = number> {
  text: string;
  test: (value: T) => boolean;
}
const star = <T>(): Field<T> => ({ text: '*', test: () => true });

/** What the generated fields are drawn around: the wall clock just before and at a clock change. */
interface Focus {
  before: Date;
  after: Date;
}
type FieldShape<T = number> = (focus: Focus) => Field<T>;

const wrap = (value: number, size: number, min = 0) => ((((value - min) % size) + size) % size) + min;

// ---- time fields -------------------------------------------------------------------------

function stepShape(max: number): fc.Arbitrary<FieldShape> {
  return fc.integer({ min: 1, max }).map((n) => () => ({ text: `*/${n}`, test: (v: number) => v % n === 0 }));
}

/** Values near the focus (hours or minutes of the wall clock around the change), or anywhere. */
function valuesShape(size: number, near: (focus: Focus) => number[]): fc.Arbitrary<FieldShape> {
  return fc
    .array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: size - 1 }).map((v) => -1 - v)), { minLength: 1, maxLength: 3 })
    .map((picks) => (focus) => {
      const candidates = near(focus);
      const values = [...new Set(picks.map((pick) => (pick >= 0 ? candidates[pick % candidates.length]! : -1 - pick)))].sort((a, b) => a - b);
      return { text: values.join(','), test: (v: number) => values.includes(v) };
    });
}

/** `a-b`, `a-b/s` or `a/s` starting near the focus; a wrapping `a-b` (b < a) only for crontabs. */
function rangeShape(size: number, near: (focus: Focus) => number[], allowWrap: boolean): fc.Arbitrary<FieldShape> {
  return fc
    .record({ pick: fc.nat(5), length: fc.integer({ min: 0, max: Math.min(size - 1, 5) }), step: fc.integer({ min: 1, max: 4 }), open: fc.boolean() })
    .map(({ pick, length, step, open }) => (focus) => {
      const candidates = near(focus);
      const from = candidates[pick % candidates.length]!;
      if (open) return { text: `${from}/${step}`, test: (v: number) => v >= from && (v - from) % step === 0 };
      const to = allowWrap ? wrap(from + length, size) : Math.min(from + length, size - 1);
      const suffix = step > 1 ? `/${step}` : '';
      if (to >= from) return { text: `${from}-${to}${suffix}`, test: (v: number) => v >= from && v <= to && (v - from) % step === 0 };
      // Celery: a range ending below its start wraps around; the step counts along the wrapped sequence.
      const sequence = [...Array.from({ length: size - from }, (_, i) => from + i), ...Array.from({ length: to + 1 }, (_, i) => i)];
      const values = sequence.filter((_, index) => index % step === 0);
      return { text: `${from}-${to}${suffix}`, test: (v: number) => values.includes(v) };
    });
}

const hoursNear = (focus: Focus) => {
  const b = focus.before.getUTCHours();
  const a = focus.after.getUTCHours();
  return [b, a, wrap(b + 1, 24), wrap(a - 1, 24), wrap(b - 1, 24), wrap(a + 1, 24)];
};
const minutesNear = (focus: Focus) => [0, 30, focus.after.getUTCMinutes(), 15, 45, wrap(focus.before.getUTCMinutes() + 1, 60)];
const secondsNear = () => [0, 30, 15, 59, 1, 45];

function timeField(size: number, near: (focus: Focus) => number[], crontab: boolean): fc.Arbitrary<FieldShape> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<FieldShape>(() => star()) },
    { weight: 2, arbitrary: stepShape(Math.min(size, 30)) },
    { weight: 5, arbitrary: valuesShape(size, near) },
    { weight: 3, arbitrary: rangeShape(size, near, crontab) },
  );
}

// ---- day fields --------------------------------------------------------------------------

const focusDay = (focus: Focus): WallDay => {
  const d = focus.after;
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    daysInMonth: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  };
};

function nearestWeekdayMatches(n: number, day: WallDay): boolean {
  if (n > day.daysInMonth) return false;
  const weekdayOfN = (day.weekday - (day.day - n) + 35) % 7;
  let target = n;
  if (weekdayOfN === 6) target = n === 1 ? 3 : n - 1;
  if (weekdayOfN === 0) target = n === day.daysInMonth ? n - 2 : n + 1;
  return day.day === target;
}

function lastWeekdayOfMonth(day: WallDay): number {
  const weekdayOfLast = (day.weekday + day.daysInMonth - day.day) % 7;
  return weekdayOfLast === 6 ? day.daysInMonth - 1 : weekdayOfLast === 0 ? day.daysInMonth - 2 : day.daysInMonth;
}

/** Day-of-month items: the plain ones (for crontabs too) and cron's L/W forms. */
function dayOfMonthItem(crontab: boolean): fc.Arbitrary<FieldShape<WallDay>> {
  const plain: Array<fc.Arbitrary<FieldShape<WallDay>>> = [
    fc.constant((focus: Focus) => {
      const n = focusDay(focus).day;
      return { text: `${n}`, test: (d: WallDay) => d.day === n };
    }),
    fc.integer({ min: 1, max: 31 }).map((n) => () => ({ text: `${n}`, test: (d: WallDay) => d.day === n })),
    fc.integer({ min: 0, max: 2 }).map((k) => (focus: Focus) => {
      const from = Math.max(1, focusDay(focus).day - 1);
      const to = Math.min(31, from + k);
      return { text: `${from}-${to}`, test: (d: WallDay) => d.day >= from && d.day <= to };
    }),
  ];
  const special: Array<fc.Arbitrary<FieldShape<WallDay>>> = [
    fc.integer({ min: 0, max: 3 }).map((k) => () => ({
      text: k === 0 ? 'L' : `L-${k}`,
      test: (d: WallDay) => d.day === d.daysInMonth - k,
    })),
    fc.constant((focus: Focus) => {
      const n = focusDay(focus).day;
      return { text: `${n}W`, test: (d: WallDay) => nearestWeekdayMatches(n, d) };
    }),
    fc.constant(() => ({ text: 'LW', test: (d: WallDay) => d.day === lastWeekdayOfMonth(d) })),
  ];
  return fc.oneof(...plain, ...(crontab ? [] : special));
}

function dayOfWeekItem(crontab: boolean): fc.Arbitrary<FieldShape<WallDay>> {
  const name = (weekday: number, style: number) => (style === 0 ? `${weekday}` : style === 1 ? WEEKDAYS[weekday]! : weekday === 0 ? '7' : `${weekday}`);
  const plain: Array<fc.Arbitrary<FieldShape<WallDay>>> = [
    fc.nat(2).map((style) => (focus: Focus) => {
      const w = focusDay(focus).weekday;
      return { text: name(w, style), test: (d: WallDay) => d.weekday === w };
    }),
    fc.record({ weekday: fc.nat(6), style: fc.nat(2) }).map(({ weekday, style }) => () => ({
      text: name(weekday, style),
      test: (d: WallDay) => d.weekday === weekday,
    })),
    fc.constant((focus: Focus) => {
      const from = Math.max(1, focusDay(focus).weekday) - 1;
      return { text: `${WEEKDAYS[from]}-${WEEKDAYS[from + 2] ?? 'sat'}`, test: (d: WallDay) => d.weekday >= from && d.weekday <= from + 2 };
    }),
  ];
  const special: Array<fc.Arbitrary<FieldShape<WallDay>>> = [
    fc.constant((focus: Focus) => {
      const { weekday, day } = focusDay(focus);
      const n = Math.ceil(day / 7);
      return { text: `${weekday}#${n}`, test: (d: WallDay) => d.weekday === weekday && Math.ceil(d.day / 7) === n };
    }),
    fc.constant((focus: Focus) => {
      const { weekday } = focusDay(focus);
      return { text: `${WEEKDAYS[weekday]}L`, test: (d: WallDay) => d.weekday === weekday && d.day + 7 > d.daysInMonth };
    }),
  ];
  return fc.oneof(...plain, ...(crontab ? [] : special));
}

/** `*`, `?`, `*` with a step, or a list of one or two items. */
function dayField(item: fc.Arbitrary<FieldShape<WallDay>>, stepSize: number, stepMin: number, crontab: boolean): fc.Arbitrary<FieldShape<WallDay>> {
  const value = stepMin === 1 ? (d: WallDay) => d.day : (d: WallDay) => d.weekday;
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant<FieldShape<WallDay>>(() => star()) },
    { weight: crontab ? 0 : 1, arbitrary: fc.constant<FieldShape<WallDay>>(() => ({ text: '?', test: () => true })) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 2, max: stepSize }).map((n) => () => ({
        text: `*/${n}`,
        test: (d: WallDay) => (value(d) - stepMin) % n === 0,
      })),
    },
    {
      weight: 5,
      arbitrary: fc.array(item, { minLength: 1, maxLength: 2 }).map((items) => (focus: Focus) => {
        const fields = items.map((shape) => shape(focus));
        return { text: fields.map((f) => f.text).join(','), test: (d: WallDay) => fields.some((f) => f.test(d)) };
      }),
    },
  );
}

function monthField(): fc.Arbitrary<FieldShape> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<FieldShape>(() => star()) },
    {
      weight: 2,
      arbitrary: fc.nat(1).map((style) => (focus: Focus) => {
        const m = focus.after.getUTCMonth() + 1;
        return { text: style ? MONTHS[m - 1]! : `${m}`, test: (v: number) => v === m };
      }),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 12 }).map((m) => () => ({ text: `${m}`, test: (v: number) => v === m })) },
  );
}

// ---- cases -------------------------------------------------------------------------------

interface Case {
  zone: string;
  /** An instant in 2000-2037 the case starts from. */
  start: number;
  towardChange: boolean;
  /** After = the focus instant plus this. */
  shift: number;
  crontab: boolean;
  seconds: FieldShape | null;
  minute: FieldShape;
  hour: FieldShape;
  dayOfMonth: FieldShape<WallDay>;
  month: FieldShape;
  dayOfWeek: FieldShape<WallDay>;
}

const caseArbitrary: fc.Arbitrary<Case> = fc.boolean().chain((crontab) =>
  fc.record({
    zone: fc.constantFrom(...ZONES),
    start: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2037, 6, 1) }),
    towardChange: fc.nat(9).map((n) => n < 8),
    shift: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: -4 * HOUR, max: HOUR }) },
      { weight: 2, arbitrary: fc.integer({ min: -4 * 60, max: 60 }).map((minutes) => minutes * MINUTE) },
      { weight: 1, arbitrary: fc.integer({ min: -26 * HOUR, max: 26 * HOUR }) },
      { weight: 1, arbitrary: fc.constantFrom(0, -1, 1, -MINUTE, -HOUR, -HOUR - 1) },
    ),
    crontab: fc.constant(crontab),
    seconds: crontab
      ? fc.constant(null)
      : fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: timeField(60, secondsNear, false) }),
    minute: timeField(60, minutesNear, crontab),
    hour: timeField(24, hoursNear, crontab),
    dayOfMonth: dayField(dayOfMonthItem(crontab), 10, 1, crontab),
    month: monthField(),
    dayOfWeek: dayField(dayOfWeekItem(crontab), 3, 0, crontab),
  }),
);

const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString());
const startsWithWildcard = (text: string) => text.startsWith('*') || text.startsWith('?');

function neverRuns(compile: () => unknown): boolean {
  try {
    compile();
    return false;
  } catch (error) {
    if (error instanceof ScheduleError && error.detail.includes('never runs')) return true;
    throw error;
  }
}

function checkCase(c: Case): void {
  const change = c.towardChange ? nextOffsetChange(c.zone, c.start, 400) : null;
  const focusInstant = change ?? c.start;
  const focus: Focus = { before: new Date(wallAt(c.zone, focusInstant - MINUTE)), after: new Date(wallAt(c.zone, focusInstant)) };
  const seconds = c.seconds?.(focus);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = [c.minute(focus), c.hour(focus), c.dayOfMonth(focus), c.month(focus), c.dayOfWeek(focus)];
  const reference: ReferenceCron = {
    withSeconds: seconds !== undefined,
    second: seconds?.test ?? ((v) => v === 0),
    minute: minute.test,
    hour: hour.test,
    month: month.test,
    dayOfMonth: dayOfMonth.test,
    dayOfWeek: dayOfWeek.test,
    dayRule: c.crontab ? 'both' : 'either',
    dayOfMonthRestricted: !startsWithWildcard(dayOfMonth.text),
    dayOfWeekRestricted: !startsWithWildcard(dayOfWeek.text),
    fixedTime: !startsWithWildcard(minute.text) && !startsWithWildcard(hour.text),
  };
  const text = [seconds?.text, minute.text, hour.text, dayOfMonth.text, month.text, dayOfWeek.text].filter((t) => t !== undefined).join(' ');
  const compile = () =>
    c.crontab
      ? compileCrontab(
          { minute: minute.text, hour: hour.text, day_of_month: dayOfMonth.text, month_of_year: month.text, day_of_week: dayOfWeek.text },
          c.zone,
        )
      : compileCron(text, c.zone);
  // A generated combination that never runs (the 31st of a 30-day month) is the compiler's to reject.
  fc.pre(!neverRuns(compile));
  const schedule = compile();
  // Seconds scan second by second: keep their horizon short.
  const horizon = reference.withSeconds ? 4 * HOUR : 2 * DAY;
  let after = focusInstant + c.shift;
  for (let step = 0; step < 3; step++) {
    const expected = referenceNext(reference, c.zone, after, horizon);
    const actual = nextCron(schedule, after);
    const label = `${c.crontab ? 'crontab' : 'cron'} "${text}" in ${c.zone} after ${iso(after)}`;
    if (expected === null) {
      coverage.beyondHorizon += 1;
      expect(actual === null || actual > after + horizon, `${label}: nothing within the horizon, got ${iso(actual)}`).toBe(true);
      return;
    }
    expect(iso(actual), label).toBe(iso(expected));
    recordCoverage(c.zone, after, expected, reference);
    after = expected;
  }
}

/** How many compared runs fell where the clock-change rules matter, so the test shows it tested them. */
const coverage = { runs: 0, beyondHorizon: 0, fixedTime: 0, withSeconds: 0, atForwardJump: 0, repeatedWallTime: 0, fixedPastRepeat: 0 };

function recordCoverage(zone: string, after: number, run: number, reference: ReferenceCron): void {
  coverage.runs += 1;
  if (reference.fixedTime) coverage.fixedTime += 1;
  if (reference.withSeconds) coverage.withSeconds += 1;
  if (offsetAt(zone, run - MINUTE) < offsetAt(zone, run)) coverage.atForwardJump += 1;
  // A wildcard run at a wall time shown before, or a fixed-time run after the clock went back since `after`.
  let highest = -Infinity;
  let wentBack = false;
  for (let instant = Math.max(after, run - DAY) - 3 * HOUR; instant <= run; instant += MINUTE) {
    const wall = wallAt(zone, instant);
    if (wall <= highest && instant > after) wentBack = true;
    if (instant === run && wall <= highest && !reference.fixedTime) coverage.repeatedWallTime += 1;
    highest = Math.max(highest, wall);
  }
  if (wentBack && reference.fixedTime) coverage.fixedPastRepeat += 1;
}

describe('nextCron agrees with the brute-force reference', () => {
  // About 12 s on this 2-core machine; the timeout leaves room for a busy one.
  it('on random schedules around clock changes in 20 zones, 2000-2037', { timeout: 120_000 }, () => {
    fc.assert(fc.property(caseArbitrary, checkCase), { numRuns: 1000 });
    console.log('property coverage', coverage);
    expect(coverage.atForwardJump).toBeGreaterThan(15);
    expect(coverage.repeatedWallTime).toBeGreaterThan(15);
    expect(coverage.fixedPastRepeat).toBeGreaterThan(15);
  });
});
