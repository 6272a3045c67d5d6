/**
 * Cron fields in words: "at 07:30 on Monday", "every 15 minutes from 09:00 to 17:59 on Monday to
 * Friday". The zone is appended by the caller (describe.ts).
 */
import type { CronFields, CronSchedule } from './types.js';
import { MONTH_NAMES, WEEKDAY_NAMES } from './cron-calendar.js';

/** Up to this many times of day are listed one by one ("at 02:00 and 02:30"). */
const MAX_LISTED_TIMES = 6;
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'] as const;

export function describeCron(schedule: CronSchedule): string {
  const f = schedule.fields;
  return [describeTime(f), describeDays(f, schedule.syntax), describeMonths(f.months)].filter(Boolean).join(' ');
}

function describeTime(f: CronFields): string {
  const { seconds, minutes, hours } = f;
  const showSeconds = !(seconds.length === 1 && seconds[0] === 0);
  if (seconds.length === 1 && hours.length * minutes.length <= MAX_LISTED_TIMES) {
    const times = hours.flatMap((hour) => minutes.map((minute) => clock(hour, minute, showSeconds ? seconds[0] : undefined)));
    return `at ${listText(times)}`;
  }
  const parts: string[] = [];
  if (showSeconds) parts.push(unitText(seconds, 'second', 59));
  if (showSeconds && hours.length * minutes.length <= MAX_LISTED_TIMES) {
    parts.push(`during ${listText(hours.flatMap((hour) => minutes.map((minute) => clock(hour, minute))))}`);
    return parts.join(' ');
  }
  if (minutes.length < 60 || !showSeconds) parts.push(unitText(minutes, 'minute', 59));
  parts.push(hoursText(hours, minutes.length === 1));
  return parts.filter(Boolean).join(' ');
}

function hoursText(hours: readonly number[], singleMinute: boolean): string {
  if (hours.length === 24) return singleMinute ? 'of every hour' : '';
  const spans = runs(hours);
  if (spans.length === 1) return `from ${clock(spans[0]![0], 0)} to ${clock(spans[0]![1], 59)}`;
  const step = progressionStep(hours);
  if (step && hours[0] === 0 && hours.at(-1)! + step > 23) return `every ${step} hours`;
  return `during hours ${runsText(hours, (hour) => pad(hour), '-')}`;
}

/** "every minute", "every 15 minutes", "every 5 minutes from minute 10 to 50", "at minute 5", "at minutes 0-5 and 30". */
function unitText(values: readonly number[], unit: string, max: number): string {
  if (values.length === max + 1) return `every ${unit}`;
  const step = progressionStep(values);
  if (step && values[0] === 0 && values.at(-1)! + step > max) return `every ${step} ${unit}s`;
  if (step) return `every ${step} ${unit}s from ${unit} ${values[0]} to ${values.at(-1)}`;
  return values.length === 1 ? `at ${unit} ${values[0]}` : `at ${unit}s ${runsText(values, String, '-')}`;
}

function describeDays(f: CronFields, syntax: CronSchedule['syntax']): string {
  const byMonthDay = monthDayText(f);
  const byWeekday = weekdayText(f);
  if (!byMonthDay) return byWeekday;
  if (!byWeekday) return byMonthDay;
  return syntax === 'cron' && f.dayOfMonthRestricted && f.dayOfWeekRestricted
    ? `${byMonthDay} or ${byWeekday}`
    : `${byMonthDay} if it is ${byWeekday.replace(/^on /, 'a ').replace(/^a the /, 'the ')}`;
}

/** Empty when every day of the month matches (then `L` and the like add nothing). */
function monthDayText(f: CronFields): string {
  if (f.daysOfMonth.length === 31) return '';
  const items: string[] = [];
  const step = progressionStep(f.daysOfMonth);
  if (step && f.daysOfMonth[0] === 1 && f.daysOfMonth.at(-1)! + step > 31) items.push(`every ${ordinal(step)} day`);
  else if (f.daysOfMonth.length) items.push(`${f.daysOfMonth.length === 1 ? 'day' : 'days'} ${runsText(f.daysOfMonth, String, '-')}`);
  for (const offset of f.lastDayOffsets) items.push(offset === 0 ? 'the last day' : `the ${ordinal(offset + 1)}-last day`);
  for (const day of f.nearestWeekdays) items.push(`the weekday nearest day ${day}`);
  if (f.lastWeekdayOfMonth) items.push('the last weekday');
  return `on ${listText(items)} of the month`;
}

/** Empty when every weekday matches. */
function weekdayText(f: CronFields): string {
  if (f.daysOfWeek.length === 7) return '';
  const items: string[] = [];
  if (f.daysOfWeek.length) items.push(runsText(f.daysOfWeek, (day) => WEEKDAY_NAMES[day]!, ' to '));
  const monthly = [
    ...f.nthWeekdays.map(([day, n]) => `the ${ORDINALS[n - 1]} ${WEEKDAY_NAMES[day]}`),
    ...f.lastWeekdays.map((day) => `the last ${WEEKDAY_NAMES[day]}`),
  ];
  if (monthly.length) items.push(`${listText(monthly)} of the month`);
  return `on ${listText(items)}`;
}

function describeMonths(months: readonly number[]): string {
  return months.length === 12 ? '' : `in ${runsText(months, (month) => MONTH_NAMES[month - 1]!, ' to ')}`;
}

/** n when the values are three or more, n > 1 apart (a stepped range), else 0. */
function progressionStep(values: readonly number[]): number {
  const step = values.length > 2 ? values[1]! - values[0]! : 0;
  return step > 1 && values.every((value, index) => value === values[0]! + index * step) ? step : 0;
}

/** Consecutive values as [first, last] pairs. */
function runs(values: readonly number[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const value of values) {
    const last = spans.at(-1);
    if (last && last[1] === value - 1) last[1] = value;
    else spans.push([value, value]);
  }
  return spans;
}

/** "1-5 and 10", "Monday to Friday"; runs of two are listed, not joined. */
function runsText(values: readonly number[], name: (value: number) => string, joiner: string): string {
  return listText(
    runs(values).flatMap(([first, last]) =>
      last === first ? [name(first)] : last === first + 1 ? [name(first), name(last)] : [`${name(first)}${joiner}${name(last)}`],
    ),
  );
}

/** 1st, 2nd, 3rd, 4th, 11th, 21st ... */
function ordinal(n: number): string {
  const teens = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teens ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function listText(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function clock(hour: number, minute: number, second?: number): string {
  return `${pad(hour)}:${pad(minute)}${second === undefined ? '' : `:${pad(second)}`}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
