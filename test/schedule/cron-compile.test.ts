import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../../src/errors.js';
import { compileCron, nextCron } from '../../src/schedule/cron.js';

const fields = (expression: string) => compileCron(expression, 'UTC').fields;
const range = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, index) => from + index * step);

function errorOf(expression: string): string {
  try {
    compileCron(expression, 'UTC');
  } catch (error) {
    expect(error).toBeInstanceOf(ScheduleError);
    return (error as ScheduleError).message;
  }
  throw new Error(`"${expression}" compiled`);
}

describe('compileCron: field syntax', () => {
  it('reads five fields with seconds at 0, six with seconds first', () => {
    expect(fields('5 4 3 2 1')).toMatchObject({ seconds: [0], minutes: [5], hours: [4], daysOfMonth: [3], months: [2], daysOfWeek: [1] });
    expect(fields('6 5 4 3 2 1')).toMatchObject({ seconds: [6], minutes: [5], hours: [4], daysOfMonth: [3], months: [2], daysOfWeek: [1] });
  });

  it('expands *, ranges, steps and lists', () => {
    expect(fields('*/15 9-17 * * *')).toMatchObject({ minutes: [0, 15, 30, 45], hours: range(9, 17) });
    expect(fields('10-50/5 * * * *').minutes).toEqual(range(10, 50, 5));
    expect(fields('5/10 * * * *').minutes).toEqual(range(5, 55, 10));
    expect(fields('0,30,1-3,*/20 * * * *').minutes).toEqual([0, 1, 2, 3, 20, 30, 40]);
    expect(fields('* * */10 * *').daysOfMonth).toEqual([1, 11, 21, 31]);
    expect(fields('* * * */5 *').months).toEqual([1, 6, 11]);
  });

  it('reads month and weekday names, three letters or full, in any case', () => {
    expect(fields('0 0 * JAN-mar,Dec *').months).toEqual([1, 2, 3, 12]);
    expect(fields('0 0 * * Mon-FRI').daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(fields('0 0 * * sunday,Saturday').daysOfWeek).toEqual([0, 6]);
    expect(fields('0 0 * january *').months).toEqual([1]);
  });

  it('takes day-of-week 7 as Sunday, in ranges too', () => {
    expect(fields('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(fields('0 0 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(fields('0 0 * * 1-7/2').daysOfWeek).toEqual([0, 1, 3, 5]);
  });

  it('takes ? as *', () => {
    expect(compileCron('0 0 ? * mon', 'UTC')).toEqual(compileCron('0 0 * * mon', 'UTC'));
  });

  it('reads L, L-n, nW, LW, nL and n#k', () => {
    expect(fields('0 0 L,L-2,15W,LW * *')).toMatchObject({
      daysOfMonth: [],
      lastDayOffsets: [0, 2],
      nearestWeekdays: [15],
      lastWeekdayOfMonth: true,
    });
    expect(fields('0 0 * * 5L,fri#2,1#1,MON#3')).toMatchObject({
      daysOfWeek: [],
      lastWeekdays: [5],
      nthWeekdays: [[1, 1], [1, 3], [5, 2]],
    });
  });

  it('expands macros', () => {
    const macros: Record<string, string> = {
      '@hourly': '0 * * * *',
      '@daily': '0 0 * * *',
      '@midnight': '0 0 * * *',
      '@weekly': '0 0 * * 0',
      '@monthly': '0 0 1 * *',
      '@yearly': '0 0 1 1 *',
      '@annually': '0 0 1 1 *',
    };
    for (const [macro, expression] of Object.entries(macros)) {
      expect(compileCron(macro, 'UTC')).toEqual(compileCron(expression, 'UTC'));
      expect(compileCron(macro.toUpperCase(), 'UTC').expression).toBe(expression);
    }
  });

  it('normalises the expression: lower case, single spaces, ? as *', () => {
    expect(compileCron('  0   9 ?  *  MON-Fri ', 'UTC').expression).toBe('0 9 * * mon-fri');
    expect(compileCron('30 0 9 * * *', 'UTC').expression).toBe('30 0 9 * * *');
  });

  it('gives equal fields for equal schedules written differently', () => {
    expect(fields('0 9 * * mon')).toEqual(fields('0 9 * * 1'));
    expect(fields('0,15,30,45 * * * *')).toEqual(fields('*/15 * * * *'));
  });

  it('is JSON-safe (plain arrays, no bigint), and a schedule read back from JSON runs the same', () => {
    const schedule = compileCron('*/5 1-3 L * 5#2', 'Europe/Stockholm');
    const copy = JSON.parse(JSON.stringify(schedule)) as typeof schedule;
    expect(copy).toEqual(schedule);
    const after = Date.parse('2026-03-29T00:00Z');
    expect(nextCron(copy, after)).toBe(nextCron(schedule, after));
    expect(nextCron(Object.freeze(copy), after)).toBe(nextCron(schedule, after));
  });

  it('shares frozen fields between schedules with the same text, whatever their zones', () => {
    const stockholm = compileCron('0 9 * * mon-fri', 'Europe/Stockholm');
    const tokyo = compileCron('0 9 * * mon-fri', 'Asia/Tokyo');
    expect(tokyo.fields).toBe(stockholm.fields);
    expect(tokyo.timezone).toBe('Asia/Tokyo');
    expect(Object.isFrozen(stockholm.fields)).toBe(true);
    expect(() => (stockholm.fields.hours as number[]).push(10)).toThrow(TypeError);
  });

  it('marks restricted day fields (not starting with * or ?)', () => {
    expect(fields('0 0 1 * mon')).toMatchObject({ dayOfMonthRestricted: true, dayOfWeekRestricted: true });
    expect(fields('0 0 */2 * ?')).toMatchObject({ dayOfMonthRestricted: false, dayOfWeekRestricted: false });
  });

  it('classifies fixed-time entries: neither minute nor hour starts with *; seconds do not count', () => {
    const fixed = (expression: string) => compileCron(expression, 'UTC').fixedTime;
    expect(fixed('30 2 * * *')).toBe(true);
    expect(fixed('0,30 1-3 * * *')).toBe(true);
    expect(fixed('0-59 0-23 * * *')).toBe(true);
    expect(fixed('*/10 30 2 * * *')).toBe(true);
    expect(fixed('@daily')).toBe(true);
    expect(fixed('*/15 2 * * *')).toBe(false);
    expect(fixed('0 * * * *')).toBe(false);
    expect(fixed('0 */2 * * *')).toBe(false);
    expect(fixed('@hourly')).toBe(false);
  });

  it('names the zone as written, with its case fixed', () => {
    expect(compileCron('0 0 * * *', 'america/new_york').timezone).toBe('America/New_York');
    expect(compileCron('0 0 * * *', 'US/Eastern').timezone).toBe('US/Eastern');
    expect(compileCron('0 0 * * *', 'Asia/Kathmandu').timezone).toBe('Asia/Kathmandu');
    expect(compileCron('0 0 * * *', 'utc').timezone).toBe('UTC');
  });
});

describe('compileCron: errors name the field', () => {
  it.each([
    ['* * * *', 'cron "* * * *": expected 5 or 6 fields, got 4'],
    ['* * * * * * *', 'expected 5 or 6 fields, got 7'],
    ['', 'expected 5 or 6 fields, got 0'],
    ['61 * * * *', 'minute 61 is out of range 0-59'],
    ['60 * * * * *', 'second 60 is out of range 0-59'],
    ['0 24 * * *', 'hour 24 is out of range 0-23'],
    ['0 0 32 * *', 'day-of-month 32 is out of range 1-31'],
    ['0 0 0 * *', 'day-of-month 0 is out of range 1-31'],
    ['0 0 * 13 *', 'month 13 is out of range 1-12'],
    ['0 0 * * 8', 'day-of-week 8 is out of range 0-7'],
    ['0 0 * * mun', 'day-of-week field "mun": "mun" is not a number or a weekday name'],
    ['0 0 * foo *', 'month field "foo": "foo" is not a number or a month name'],
    ['x * * * *', 'minute field "x": "x" is not a number'],
    ['0 0 3x * *', 'day-of-month field "3x": "3x" is not a number'],
    ['1,,2 * * * *', 'minute field "1,,2" has an empty list item'],
    ['*/0 * * * *', 'minute field "*/0": step "0" must be a whole number from 1 to 60'],
    ['*/x * * * *', 'step "x" must be a whole number'],
    ['30-10 * * * *', 'minute range "30-10" runs backwards (30 is after 10)'],
    ['0 0 * * fri-mon', 'day-of-week range "fri-mon" runs backwards'],
    ['0 0 L-31 * *', 'L-31 is out of range L-0 to L-30'],
    ['0 0 32W * *', 'day-of-month 32 is out of range 1-31'],
    ['0 0 * * 5#6', 'day-of-week "5#6": the occurrence after # must be 1-5'],
    ['0 0 * * L', 'day-of-week "L" needs a weekday before it'],
    ['0 0 L * 9L', 'day-of-week 9 is out of range 0-7'],
    ['H * * * *', 'minute field "h": "h" is not a number'],
    ['@reboot', 'unknown cron macro "@reboot"'],
  ])('%s', (expression, message) => {
    expect(errorOf(expression)).toContain(message);
  });

  it('rejects a schedule that can never run', () => {
    expect(errorOf('0 0 30 2 *')).toBe('cron "0 0 30 2 *" never runs: no day in February matches its day fields');
    expect(errorOf('0 0 31 4,6 *')).toContain('never runs: no day in April or June matches');
    expect(errorOf('0 0 */30 * 5#3')).toContain('never runs'); // the 1st/31st is never a third Friday
  });

  it('accepts schedules that run only in some years', () => {
    expect(() => compileCron('0 0 29 2 *', 'UTC')).not.toThrow();
    expect(() => compileCron('0 0 * 2 5#5', 'UTC')).not.toThrow(); // leap years whose February starts on a Friday
    expect(() => compileCron('0 0 L-30 * *', 'UTC')).not.toThrow(); // the 1st of 31-day months
  });

  it('rejects an unknown zone', () => {
    expect(() => compileCron('0 0 * * *', 'Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus"');
  });
});

describe('why the cron text is parsed here and not by cron-parser', () => {
  const cronParserAccepts = (expression: string) => {
    try {
      CronExpressionParser.parse(expression);
      return true;
    } catch {
      return false;
    }
  };

  it('cron-parser rejects W, L-n and several # items, which we read', () => {
    for (const expression of ['0 0 15W * *', '0 0 LW * *', '0 0 L-2 * *', '0 0 * * 1#1,5#3']) {
      expect(cronParserAccepts(expression)).toBe(false);
      expect(() => compileCron(expression, 'UTC')).not.toThrow();
    }
  });

  it('cron-parser accepts Jenkins H hashes, which cron and Celery do not', () => {
    expect(cronParserAccepts('H 0 * * *')).toBe(true);
    expect(() => compileCron('H 0 * * *', 'UTC')).toThrow(ScheduleError);
  });

  it('cron-parser errors do not say which field is wrong', () => {
    expect(() => CronExpressionParser.parse('61 0 * * *')).toThrow('Constraint error, got value 61 expected range 0-59');
    expect(errorOf('61 0 * * *')).toContain('minute 61 is out of range 0-59');
  });
});
