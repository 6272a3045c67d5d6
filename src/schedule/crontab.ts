/**
 * Celery's `crontab(minute, hour, day_of_week, day_of_month, month_of_year)` as a schedule value.
 * Each field is a number, a list of numbers, or a Celery-style string (`"*\/15"`, `"1-5"`,
 * `"mon-fri"`, `"0,30"`, and Celery's wrapping ranges such as `"fri-mon"`); omitted fields are `*`.
 * Unlike a cron string, a day must match both day_of_month and day_of_week (Celery's rule).
 */
import { ScheduleError } from '../errors.js';
import type { CronSchedule } from './types.js';
import { describeType } from './duration.js';
import { checkedAndFrozen, compiledOnce } from './cron-compiled.js';
import {
  type CronFieldSpec,
  DAY_OF_MONTH,
  DAY_OF_WEEK,
  type FieldListOptions,
  HOUR,
  MINUTE,
  MONTH,
  parseList,
  startsWithWildcard,
} from './cron-field.js';
import { assertZone } from './zone.js';

const CRONTAB_FIELDS = {
  minute: MINUTE,
  hour: HOUR,
  day_of_month: { ...DAY_OF_MONTH, label: 'day_of_month' },
  month_of_year: { ...MONTH, label: 'month_of_year' },
  day_of_week: { ...DAY_OF_WEEK, label: 'day_of_week' },
} satisfies Record<string, CronFieldSpec>;
type CrontabField = keyof typeof CRONTAB_FIELDS;
const FIELD_NAMES = Object.keys(CRONTAB_FIELDS) as CrontabField[];

const CELERY: FieldListOptions = { wrapRanges: true };

export function compileCrontab(fields: Record<string, unknown>, timezone: string): CronSchedule {
  const unknown = Object.keys(fields).filter((key) => !(FIELD_NAMES as string[]).includes(key));
  if (unknown.length) {
    throw new ScheduleError(
      `unknown crontab field ${unknown.map((key) => `"${key}"`).join(', ')} (expected ${FIELD_NAMES.join(', ')})`,
    );
  }
  const text = Object.fromEntries(FIELD_NAMES.map((name) => [name, fieldText(name, fields[name])])) as Record<CrontabField, string>;
  const expression = [text.minute, text.hour, text.day_of_month, text.month_of_year, text.day_of_week].join(' ');
  const zone = assertZone(timezone);
  const compiled = compiledOnce(`crontab ${expression}`, () => {
    const values = (name: CrontabField) => parseList(text[name], CRONTAB_FIELDS[name], CELERY);
    return checkedAndFrozen(
      {
        syntax: 'crontab',
        expression,
        fixedTime: !startsWithWildcard(text.minute) && !startsWithWildcard(text.hour),
        fields: {
          seconds: [0],
          minutes: values('minute'),
          hours: values('hour'),
          daysOfMonth: values('day_of_month'),
          months: values('month_of_year'),
          daysOfWeek: values('day_of_week'),
          lastDayOffsets: [],
          nearestWeekdays: [],
          lastWeekdayOfMonth: false,
          lastWeekdays: [],
          nthWeekdays: [],
          dayOfMonthRestricted: !startsWithWildcard(text.day_of_month),
          dayOfWeekRestricted: !startsWithWildcard(text.day_of_week),
        },
      },
      'crontab',
    );
  });
  return { kind: 'cron', ...compiled, timezone: zone };
}

/** A field as list text: `*` when omitted; numbers and lists of them as Celery takes them. */
function fieldText(name: CrontabField, value: unknown): string {
  if (value === undefined) return '*';
  if (typeof value === 'string') return value.trim().toLowerCase().replace(/\s+/g, '');
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'number' || typeof item === 'string')) {
    return value.join(',').toLowerCase().replace(/\s+/g, '');
  }
  throw new ScheduleError(`crontab ${name} must be a number, a list of numbers or a string such as "*/15", got ${describeType(value)}`);
}
