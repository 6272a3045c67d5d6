/**
 * Cron text to CronFields. Written by hand rather than taken from cron-parser's
 * `CronExpressionParser.parse(...).fields`, because cron-parser (5.x) rejects `W` (`15W`, `LW`),
 * `L-2` and lists of several `#` items (`1#1,5#3`), accepts Jenkins `H` hashes that neither cron
 * nor Celery know, and its errors do not name the field ("Constraint error, got value 61 expected
 * range 0-59"). test/schedule/cron-compile.test.ts pins each of these.
 */
import { ScheduleError } from '../errors.js';
import type { CronFields } from './types.js';
import { BoundedCache } from './cron-cache.js';
import type { CompiledCron } from './cron-compiled.js';
import {
  DAY_OF_MONTH,
  DAY_OF_WEEK,
  type FieldListOptions,
  HOUR,
  MINUTE,
  MONTH,
  SECOND,
  expandItem,
  listItems,
  parseList,
  parseValue,
  sortedUnique,
  startsWithWildcard,
} from './cron-field.js';

const MACROS: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

/** `?` (Quartz's "no specific value") has been replaced by `*` before fields are read. */
const CRON_STRING: FieldListOptions = { wrapRanges: false };

/** Parses cron text: five fields, six with seconds first, or a macro (`@daily`). */
export function parseCronText(text: string): CompiledCron {
  const trimmed = text.trim().toLowerCase();
  const expanded = trimmed.startsWith('@') ? expandMacro(trimmed) : trimmed;
  const parts = expanded === '' ? [] : expanded.split(/\s+/).map((part) => part.replace(/\?/g, '*'));
  if (parts.length !== 5 && parts.length !== 6) {
    throw new ScheduleError(`cron "${text}": expected 5 or 6 fields, got ${parts.length}`);
  }
  const fieldTexts = parts.length === 5 ? ['0', ...parts] : parts;
  const [second, minute, hour, dayOfMonth, month, dayOfWeek] = fieldTexts as [string, string, string, string, string, string];
  try {
    return {
      syntax: 'cron',
      expression: parts.join(' '),
      fixedTime: !startsWithWildcard(minute) && !startsWithWildcard(hour),
      fields: {
        seconds: parseList(second, SECOND, CRON_STRING),
        minutes: parseList(minute, MINUTE, CRON_STRING),
        hours: parseList(hour, HOUR, CRON_STRING),
        months: parseList(month, MONTH, CRON_STRING),
        ...dayOfMonthFields.get(dayOfMonth, () => dayOfMonthField(dayOfMonth)),
        ...dayOfWeekFields.get(dayOfWeek, () => dayOfWeekField(dayOfWeek)),
        dayOfMonthRestricted: !startsWithWildcard(dayOfMonth),
        dayOfWeekRestricted: !startsWithWildcard(dayOfWeek),
      },
    };
  } catch (error) {
    throw error instanceof ScheduleError ? new ScheduleError(`cron "${text}": ${error.detail}`) : error;
  }
}

function expandMacro(macro: string): string {
  const expression = MACROS[macro];
  if (expression === undefined) {
    throw new ScheduleError(`unknown cron macro "${macro}" (use one of ${Object.keys(MACROS).join(', ')})`);
  }
  return expression;
}

type DayOfMonthParts = Pick<CronFields, 'daysOfMonth' | 'lastDayOffsets' | 'nearestWeekdays' | 'lastWeekdayOfMonth'>;
const dayOfMonthFields = new BoundedCache<DayOfMonthParts>(1_000);

/** Day of month: the plain list syntax plus `L`, `L-n`, `nW` and `LW`. */
function dayOfMonthField(text: string): DayOfMonthParts {
  const days: number[] = [];
  const lastDayOffsets: number[] = [];
  const nearestWeekdays: number[] = [];
  let lastWeekdayOfMonth = false;
  for (const item of listItems(text, DAY_OF_MONTH)) {
    const lastDay = /^l(?:-(\d+))?$/.exec(item);
    if (item === 'lw') {
      lastWeekdayOfMonth = true;
    } else if (lastDay) {
      const offset = Number(lastDay[1] ?? 0);
      if (offset > 30) throw new ScheduleError(`day-of-month "${item}": L-${offset} is out of range L-0 to L-30`);
      lastDayOffsets.push(offset);
    } else if (item.endsWith('w')) {
      nearestWeekdays.push(parseValue(item.slice(0, -1), text, DAY_OF_MONTH));
    } else {
      days.push(...expandItem(item, text, DAY_OF_MONTH, CRON_STRING));
    }
  }
  return {
    daysOfMonth: sortedUnique(days),
    lastDayOffsets: sortedUnique(lastDayOffsets),
    nearestWeekdays: sortedUnique(nearestWeekdays),
    lastWeekdayOfMonth,
  };
}

type DayOfWeekParts = Pick<CronFields, 'daysOfWeek' | 'lastWeekdays' | 'nthWeekdays'>;
const dayOfWeekFields = new BoundedCache<DayOfWeekParts>(1_000);

/** Day of week: the plain list syntax (7 is Sunday too) plus `5L` (last Friday) and `5#2` (second Friday). */
function dayOfWeekField(text: string): DayOfWeekParts {
  const weekdays: number[] = [];
  const lastWeekdays: number[] = [];
  const nth = new Map<string, [number, number]>();
  for (const item of listItems(text, DAY_OF_WEEK)) {
    const hash = item.indexOf('#');
    if (hash >= 0) {
      const weekday = parseValue(item.slice(0, hash), text, DAY_OF_WEEK) % 7;
      const n = /^\d$/.test(item.slice(hash + 1)) ? Number(item.slice(hash + 1)) : NaN;
      if (!(n >= 1 && n <= 5)) {
        throw new ScheduleError(`day-of-week "${item}": the occurrence after # must be 1-5`);
      }
      nth.set(`${weekday}#${n}`, [weekday, n]);
    } else if (item.endsWith('l')) {
      if (item === 'l') {
        throw new ScheduleError(`day-of-week "L" needs a weekday before it, e.g. 5L for the last Friday`);
      }
      lastWeekdays.push(parseValue(item.slice(0, -1), text, DAY_OF_WEEK) % 7);
    } else {
      weekdays.push(...expandItem(item, text, DAY_OF_WEEK, CRON_STRING).map((day) => day % 7));
    }
  }
  return {
    daysOfWeek: sortedUnique(weekdays),
    lastWeekdays: sortedUnique(lastWeekdays),
    nthWeekdays: [...nth.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]),
  };
}
