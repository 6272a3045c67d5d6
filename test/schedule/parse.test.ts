import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../../src/errors.js';
import { parseSchedule } from '../../src/schedule/parse.js';
import type { CronSchedule } from '../../src/schedule/types.js';

function errorOf(run: () => unknown): ScheduleError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScheduleError) return error;
    throw error;
  }
  throw new Error('expected a ScheduleError');
}

describe('parseSchedule: intervals', () => {
  it.each([
    [10, 10_000],
    [2.5, 2_500],
    ['30s', 30_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['PT15M', 900_000],
    ['P1DT2H', 93_600_000],
    ['P2W', 1_209_600_000],
    ['90', 90_000],
    [{ every: 5, period: 'minutes' }, 300_000],
    [{ timedelta: { days: 1, hours: 2, minutes: 0, seconds: 0, milliseconds: 0, microseconds: 0, weeks: 0 } }, 93_600_000],
  ])('%j is every %d ms', (value, everyMs) => {
    expect(parseSchedule(value, {})).toEqual({ kind: 'interval', everyMs });
  });
});

describe('parseSchedule: cron and crontab', () => {
  it('reads a cron string in the given zone, else UTC', () => {
    const cron = parseSchedule('*/15 9-17 * * mon-fri', { timezone: 'Asia/Shanghai' }) as CronSchedule;
    expect(cron).toMatchObject({ kind: 'cron', syntax: 'cron', timezone: 'Asia/Shanghai' });
    expect(parseSchedule('@hourly', {})).toMatchObject({ kind: 'cron', timezone: 'UTC' });
  });

  it("lets a {cron} value's own zone win over the caller's", () => {
    const value = { cron: '0 9 * * 1-5', timezone: 'America/New_York' };
    expect(parseSchedule(value, { timezone: 'Asia/Shanghai' })).toMatchObject({ kind: 'cron', timezone: 'America/New_York' });
    expect(parseSchedule({ cron: '0 9 * * 1-5' }, { timezone: 'Asia/Shanghai' })).toMatchObject({ timezone: 'Asia/Shanghai' });
  });

  it('reads a Celery crontab mapping with its own zone', () => {
    const value = { crontab: { hour: 7, minute: 30, day_of_week: 1 }, timezone: 'Asia/Shanghai' };
    expect(parseSchedule(value, {})).toMatchObject({ kind: 'cron', syntax: 'crontab', timezone: 'Asia/Shanghai' });
  });

  it('names the cron field that is wrong, in the schedule', () => {
    const error = errorOf(() => parseSchedule('61 * * * *', {}));
    expect(error.message).toMatch(/^field "schedule": .*minute.*61/);
    expect(errorOf(() => parseSchedule({ cron: '0 25 * * *' }, {})).message).toMatch(/^field "schedule.cron": .*hour.*25/);
  });

  it('rejects an unknown zone, naming it', () => {
    expect(errorOf(() => parseSchedule({ cron: '0 9 * * *', timezone: 'Mars/Olympus' }, {})).message)
      .toMatch(/^field "schedule.timezone": .*Mars\/Olympus/);
    expect(() => parseSchedule('30s', { timezone: 'Mars/Olympus' })).toThrow(/Mars\/Olympus/);
  });
});

describe('parseSchedule: solar and clocked', () => {
  it('reads a solar event', () => {
    expect(parseSchedule({ solar: 'sunrise', lat: 59.33, lon: 18.06 }, {}))
      .toEqual({ kind: 'solar', event: 'sunrise', lat: 59.33, lon: 18.06 });
  });

  it('reads a clocked instant with its offset', () => {
    expect(parseSchedule({ clocked: '2026-12-24T18:00:00+01:00' }, {}))
      .toEqual({ kind: 'clocked', atMs: Date.UTC(2026, 11, 24, 17) });
  });

  it.each([
    [{ solar: 'sunup', lat: 1, lon: 2 }, 'schedule.solar', /unknown solar event "sunup" \(expected dawn_astronomical, .*dusk_astronomical\)/],
    [{ solar: 'sunset', lat: 91, lon: 0 }, 'schedule.lat', /latitude 91 is out of range -90 to 90/],
    [{ solar: 'sunset', lat: 0, lon: -180.5 }, 'schedule.lon', /longitude -180.5 is out of range -180 to 180/],
    [{ solar: 'sunset', lon: 0 }, 'schedule.lat', /needs "lat"/],
    [{ solar: 'sunset', lat: '59', lon: 0 }, 'schedule.lat', /latitude must be a number/],
    [{ clocked: '2026-12-24T18:00:00' }, 'schedule.clocked', /no UTC offset/],
  ])('rejects %j', (value, field, message) => {
    const error = errorOf(() => parseSchedule(value, {}));
    expect(error.where.field).toBe(field);
    expect(error.detail).toMatch(message);
  });
});

describe('parseSchedule: bad values', () => {
  it.each([
    [0, 'schedule', /interval must be positive/],
    [-10, 'schedule', /interval must be positive/],
    ['0s', 'schedule', /interval must be positive/],
    ['1x', 'schedule', /malformed duration "1x"/],
    ['P1M', 'schedule', /months or years.*cron/],
    [{ every: 1, period: 'fortnights' }, 'schedule.period', /unknown period "fortnights"/],
    [{ cron: '0 9 * * *', tz: 'UTC' }, 'schedule.tz', /unknown key "tz" in a cron schedule \(allowed: cron, timezone\)/],
    [{ solar: 'sunrise', lat: 1, lon: 2, timezone: 'UTC' }, 'schedule.timezone', /unknown key "timezone" in a solar schedule/],
    [{ cron: '0 9 * * *', every: 5 }, 'schedule', /needs exactly one of every, timedelta, cron, crontab, solar, clocked; got "cron", "every"/],
    [{}, 'schedule', /got an empty mapping/],
    [{ minute: 5 }, 'schedule', /needs exactly one of/],
    [null, 'schedule', /expected seconds, a duration, a cron expression or a mapping.*got null/],
    [[1, 2], 'schedule', /got a list/],
    [{ cron: 5 }, 'schedule.cron', /must be a cron expression string/],
    [{ crontab: '0 9 * * *' }, 'schedule.crontab', /must be a mapping of crontab fields/],
  ])('rejects %j', (value, field, message) => {
    const error = errorOf(() => parseSchedule(value, {}));
    expect(error.where.field).toBe(field);
    expect(error.detail).toMatch(message);
  });
});
