import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../../src/errors.js';
import { compileCron, nextCron } from '../../src/schedule/cron.js';
import { compileCrontab } from '../../src/schedule/crontab.js';

const crontab = (fields: Record<string, unknown>, zone = 'UTC') => compileCrontab(fields, zone);

function errorOf(fields: Record<string, unknown>): string {
  try {
    compileCrontab(fields, 'UTC');
  } catch (error) {
    expect(error).toBeInstanceOf(ScheduleError);
    return (error as ScheduleError).message;
  }
  throw new Error(`${JSON.stringify(fields)} compiled`);
}

describe('compileCrontab', () => {
  it('takes omitted fields as *', () => {
    const schedule = crontab({});
    expect(schedule).toMatchObject({ syntax: 'crontab', expression: '* * * * *', fixedTime: false });
    expect(schedule.fields).toMatchObject({ seconds: [0], minutes: expect.any(Array), hours: expect.any(Array) });
    expect(schedule.fields.minutes).toHaveLength(60);
    expect(schedule.fields.daysOfWeek).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('reads numbers, lists of numbers and Celery strings', () => {
    const schedule = crontab({ minute: 30, hour: [7, 19], day_of_week: 'mon-fri', day_of_month: '1-7,15', month_of_year: '*/3' });
    expect(schedule.expression).toBe('30 7,19 1-7,15 */3 mon-fri');
    expect(schedule.fields).toMatchObject({
      minutes: [30],
      hours: [7, 19],
      daysOfWeek: [1, 2, 3, 4, 5],
      daysOfMonth: [1, 2, 3, 4, 5, 6, 7, 15],
      months: [1, 4, 7, 10],
    });
  });

  // Expected values printed by Celery 5.2.6's own crontab(...) (celery.schedules.crontab_parser).
  it.each([
    [{ day_of_week: 'fri-tue/2' }, 'daysOfWeek', [0, 2, 5]],
    [{ day_of_week: 'sat-sun' }, 'daysOfWeek', [0, 6]],
    [{ day_of_week: 'SUN' }, 'daysOfWeek', [0]],
    [{ day_of_week: 'monday' }, 'daysOfWeek', [1]],
    [{ hour: '22-2' }, 'hours', [0, 1, 2, 22, 23]],
    [{ hour: '10-14/2' }, 'hours', [10, 12, 14]],
    [{ minute: '50-10/5' }, 'minutes', [0, 5, 10, 50, 55]],
    [{ minute: '*/15' }, 'minutes', [0, 15, 30, 45]],
    [{ day_of_month: '*/3' }, 'daysOfMonth', [1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31]],
    [{ month_of_year: '*/3' }, 'months', [1, 4, 7, 10]],
  ])('expands %j as Celery does', (fields, key, values) => {
    expect(crontab(fields).fields[key as 'hours']).toEqual(values);
  });

  it('takes day_of_week 7 as Sunday (Celery itself rejects 7)', () => {
    expect(crontab({ day_of_week: 7 }).fields.daysOfWeek).toEqual([0]);
    expect(crontab({ day_of_week: '5-7' }).fields.daysOfWeek).toEqual([0, 5, 6]);
  });

  it('classifies fixed-time entries like cron strings: minute and hour given, not starting with *', () => {
    expect(crontab({ minute: 30, hour: 2 }).fixedTime).toBe(true);
    expect(crontab({ minute: '0,30', hour: '1-3' }).fixedTime).toBe(true);
    expect(crontab({ minute: 3 }).fixedTime).toBe(false); // Celery crontab(minute=3): every hour
    expect(crontab({ minute: '*/15', hour: 2 }).fixedTime).toBe(false);
  });

  it('needs both day fields to match (AND), unlike a cron string (OR)', () => {
    const after = Date.parse('2026-01-01T00:00Z');
    const both = crontab({ minute: 0, hour: 0, day_of_month: 1, day_of_week: 'mon' });
    const either = compileCron('0 0 1 * mon', 'UTC');
    expect(new Date(nextCron(both, after)!).toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(new Date(nextCron(either, after)!).toISOString()).toBe('2026-01-05T00:00:00.000Z');
  });

  it('follows the clock-change rules in its zone', () => {
    const fixed = crontab({ minute: 30, hour: 2 }, 'America/New_York');
    expect(new Date(nextCron(fixed, Date.parse('2025-03-09T06:00Z'))!).toISOString()).toBe('2025-03-09T07:00:00.000Z');
    const hourly = crontab({ minute: 0 }, 'America/New_York');
    expect(new Date(nextCron(hourly, Date.parse('2025-11-02T05:00Z'))!).toISOString()).toBe('2025-11-02T06:00:00.000Z');
  });

  it.each([
    [{ minutes: 5 }, 'unknown crontab field "minutes" (expected minute, hour, day_of_month, month_of_year, day_of_week)'],
    [{ minute: 61 }, 'minute 61 is out of range 0-59'],
    [{ hour: '25' }, 'hour 25 is out of range 0-23'],
    [{ day_of_month: 0 }, 'day_of_month 0 is out of range 1-31'],
    [{ month_of_year: 13 }, 'month_of_year 13 is out of range 1-12'],
    [{ day_of_week: 'mun' }, 'day_of_week field "mun": "mun" is not a number or a weekday name'],
    [{ minute: 1.5 }, 'minute field "1.5": "1.5" is not a number'],
    [{ minute: -1 }, 'minute field "-1": "-1" is not a number'],
    [{ minute: true }, 'crontab minute must be a number, a list of numbers or a string such as "*/15", got boolean true'],
    [{ hour: null }, 'crontab hour must be a number'],
    [{ hour: [] }, 'crontab hour must be a number'],
    [{ day_of_month: 'L' }, 'day_of_month field "l": "l" is not a number'],
    [{ minute: '?' }, 'minute field "?": "?" is not a number'],
    [{ day_of_month: 31, month_of_year: 'feb' }, 'crontab never runs: no day in February matches both day_of_month and day_of_week'],
  ])('rejects %j', (fields, message) => {
    expect(errorOf(fields)).toContain(message);
  });
});
