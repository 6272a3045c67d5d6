import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { compileCron, nextCron } from '../../src/schedule/cron.js';
import { compileCrontab } from '../../src/schedule/crontab.js';
import type { CronSchedule } from '../../src/schedule/types.js';

/** The next `count` runs, each strictly after the previous one (treated as the last run). */
function runs(schedule: CronSchedule, after: string, count: number): string[] {
  const instants: string[] = [];
  let last: number | null = Date.parse(after);
  while (instants.length < count) {
    last = nextCron(schedule, last);
    if (last === null) break;
    instants.push(new Date(last).toISOString());
  }
  return instants;
}

const cron = (expression: string, zone = 'UTC') => compileCron(expression, zone);
const iso = (text: string) => new Date(text).toISOString();

describe('schedules.md: the clock-change examples', () => {
  it('30 2 * * * in New York: the skipped 02:30 runs at the jump (07:00Z), then daily', () => {
    expect(runs(cron('30 2 * * *', 'America/New_York'), '2025-03-09T06:00Z', 2)).toEqual([
      iso('2025-03-09T07:00Z'),
      iso('2025-03-10T06:30Z'),
    ]);
  });

  it('30 1 * * * in New York: the repeated 01:30 runs only the first time', () => {
    expect(runs(cron('30 1 * * *', 'America/New_York'), '2025-11-02T04:00Z', 2)).toEqual([
      iso('2025-11-02T05:30Z'),
      iso('2025-11-03T06:30Z'),
    ]);
  });

  it('30 1 * * * in New York after its first 01:30: nothing more that day', () => {
    expect(runs(cron('30 1 * * *', 'America/New_York'), '2025-11-02T05:30Z', 1)).toEqual([iso('2025-11-03T06:30Z')]);
  });

  it('30 1 * * * in New York after 06:10Z (inside the repeated hour): 01:30 was at 05:30Z already', () => {
    expect(runs(cron('30 1 * * *', 'America/New_York'), '2025-11-02T06:10Z', 1)).toEqual([iso('2025-11-03T06:30Z')]);
  });

  it('0,30 2 * * * in New York: two wall times in one gap run once, at the jump', () => {
    expect(runs(cron('0,30 2 * * *', 'America/New_York'), '2025-03-09T06:00Z', 3)).toEqual([
      iso('2025-03-09T07:00Z'),
      iso('2025-03-10T06:00Z'),
      iso('2025-03-10T06:30Z'),
    ]);
  });

  it('0 * * * * in New York: a wildcard entry runs the repeated 01:00 twice', () => {
    expect(runs(cron('0 * * * *', 'America/New_York'), '2025-11-02T04:30Z', 4)).toEqual([
      iso('2025-11-02T05:00Z'),
      iso('2025-11-02T06:00Z'),
      iso('2025-11-02T07:00Z'),
      iso('2025-11-02T08:00Z'),
    ]);
  });

  it('*/15 2 * * * in Stockholm: both 02:xx hours run (8 runs), then the next day', () => {
    const expected = [0, 15, 30, 45, 60, 75, 90, 105].map((minutes) => new Date(Date.parse('2025-10-26T00:00Z') + minutes * 60_000).toISOString());
    expect(runs(cron('*/15 2 * * *', 'Europe/Stockholm'), '2025-10-25T23:00Z', 9)).toEqual([...expected, iso('2025-10-27T01:00Z')]);
  });

  it('0 0 1 * 1 in UTC: Vixie day rule, the 1st or any Monday', () => {
    expect(runs(cron('0 0 1 * 1'), '2026-01-01T00:00Z', 3)).toEqual([
      iso('2026-01-05T00:00Z'),
      iso('2026-01-12T00:00Z'),
      iso('2026-01-19T00:00Z'),
    ]);
  });

  it('Celery crontab {minute 0, hour 0, day_of_month 1, day_of_week mon}: a Monday that is the 1st', () => {
    const schedule = compileCrontab({ minute: 0, hour: 0, day_of_month: 1, day_of_week: 'mon' }, 'UTC');
    expect(runs(schedule, '2026-01-01T00:00Z', 3)).toEqual([
      iso('2026-06-01T00:00Z'),
      iso('2027-02-01T00:00Z'),
      iso('2027-03-01T00:00Z'),
    ]);
  });
});

describe('where cron-parser next() differs (and we follow ISC cron)', () => {
  const cronParserNext = (expression: string, zone: string, after: string) =>
    CronExpressionParser.parse(expression, { tz: zone, currentDate: new Date(after) }).next().toISOString();

  it('a skipped fixed time runs at the jump, not shifted by the gap length', () => {
    expect(cronParserNext('30 2 * * *', 'America/New_York', '2025-03-09T06:00Z')).toBe(iso('2025-03-09T07:30Z'));
    expect(runs(cron('30 2 * * *', 'America/New_York'), '2025-03-09T06:00Z', 1)).toEqual([iso('2025-03-09T07:00Z')]);
  });

  it('a fixed-time entry restarted inside the repeated hour does not run again', () => {
    expect(cronParserNext('30 1 * * *', 'America/New_York', '2025-11-02T06:10Z')).toBe(iso('2025-11-02T06:30Z'));
    expect(runs(cron('30 1 * * *', 'America/New_York'), '2025-11-02T06:10Z', 1)).toEqual([iso('2025-11-03T06:30Z')]);
  });
});

describe('fixed-time and wildcard entries through clock changes', () => {
  it('a wildcard entry does not run skipped wall times', () => {
    expect(runs(cron('*/30 * * * *', 'America/New_York'), '2025-03-09T06:00Z', 3)).toEqual([
      iso('2025-03-09T06:30Z'), // 01:30 EST
      iso('2025-03-09T07:00Z'), // 03:00 EDT; 02:00 and 02:30 never happened
      iso('2025-03-09T07:30Z'),
    ]);
  });

  it('an hour field with a wildcard minute is a wildcard entry: a gap hour has no runs', () => {
    expect(runs(cron('*/20 2 * * *', 'America/New_York'), '2025-03-09T06:00Z', 1)).toEqual([iso('2025-03-10T06:00Z')]);
  });

  it('a seconds field does not make an entry wildcard: every second of 02:30 runs once, at the jump', () => {
    expect(runs(cron('*/20 30 2 * * *', 'America/New_York'), '2025-03-09T06:00Z', 3)).toEqual([
      iso('2025-03-09T07:00Z'),
      iso('2025-03-10T06:30:00Z'),
      iso('2025-03-10T06:30:20Z'),
    ]);
  });

  it('a fixed time repeated by a backward jump runs once; a later fixed time runs normally', () => {
    expect(runs(cron('30 1,3 * * *', 'America/New_York'), '2025-11-02T05:00Z', 3)).toEqual([
      iso('2025-11-02T05:30Z'), // 01:30 EDT
      iso('2025-11-02T08:30Z'), // 03:30 EST; the 01:30 EST repeat is skipped
      iso('2025-11-03T06:30Z'),
    ]);
  });

  it('a skipped fixed time and a fixed time at the jump run once together', () => {
    expect(runs(cron('30 2,3 * * *', 'America/New_York'), '2025-03-09T06:00Z', 2)).toEqual([
      iso('2025-03-09T07:00Z'),
      iso('2025-03-09T07:30Z'),
    ]);
    expect(runs(cron('0 2,3 * * *', 'America/New_York'), '2025-03-09T06:00Z', 2)).toEqual([
      iso('2025-03-09T07:00Z'), // 02:00 (skipped) and 03:00 EDT are the same instant: one run
      iso('2025-03-10T06:00Z'),
    ]);
  });

  it('Lord Howe: a half-hour jump skips 02:00-02:29 only', () => {
    // 2025-10-05 02:00 +10:30 becomes 02:30 +11:00 at 15:30Z on the 4th.
    expect(runs(cron('15,45 2 * * *', 'Australia/Lord_Howe'), '2025-10-04T15:00Z', 2)).toEqual([
      iso('2025-10-04T15:30Z'), // 02:15 skipped: runs at the jump
      iso('2025-10-04T15:45Z'), // 02:45 +11:00
    ]);
  });

  it('Sao Paulo 2018: the day began at 01:00, so a midnight entry ran at the jump', () => {
    // 2018-11-04 00:00 -03:00 became 01:00 -02:00 at 03:00Z.
    expect(runs(cron('0 0 * * *', 'America/Sao_Paulo'), '2018-11-03T12:00Z', 2)).toEqual([
      iso('2018-11-04T03:00Z'),
      iso('2018-11-05T02:00Z'),
    ]);
  });

  it('Apia 2011 skipped December 30: a daily fixed time ran once at the jump, a wildcard never', () => {
    // 2011-12-29 24:00 -10:00 became 2011-12-31 00:00 +14:00 at 10:00Z on the 30th.
    expect(runs(cron('0 12 * * *', 'Pacific/Apia'), '2011-12-29T20:00Z', 2)).toEqual([
      iso('2011-12-29T22:00Z'), // 12:00 on the 29th
      iso('2011-12-30T10:00Z'), // 12:00 on the 30th, which never happened
    ]);
    expect(runs(cron('0 12 * * *', 'Pacific/Apia'), '2011-12-30T10:00Z', 1)).toEqual([iso('2011-12-30T22:00Z')]);
    expect(runs(cron('0 * 30 12 *', 'Pacific/Apia'), '2011-12-01T00:00Z', 1)).toEqual([iso('2012-12-29T10:00Z')]);
  });

  it('Dublin: negative DST (winter is the "daylight saving" offset) behaves like any other change', () => {
    // 2025-10-26 02:00 +01:00 became 01:00 +00:00 at 01:00Z.
    expect(runs(cron('30 1 * * *', 'Europe/Dublin'), '2025-10-25T23:00Z', 2)).toEqual([
      iso('2025-10-26T00:30Z'),
      iso('2025-10-27T01:30Z'),
    ]);
  });

  it('the answer depends only on the last run, not on how it was reached', () => {
    const schedule = cron('30 1 * * *', 'America/New_York');
    for (const after of ['2025-11-02T05:30:00.001Z', '2025-11-02T05:59:59.999Z', '2025-11-02T06:00Z', '2025-11-02T06:29:59Z', '2025-11-02T06:30Z']) {
      expect(runs(schedule, after, 1)).toEqual([iso('2025-11-03T06:30Z')]);
    }
  });
});

describe('calendar fields', () => {
  it('is strictly after, at whole seconds, from any millisecond', () => {
    expect(runs(cron('* * * * *'), '2026-01-01T00:00:00.000Z', 1)).toEqual([iso('2026-01-01T00:01Z')]);
    expect(runs(cron('* * * * *'), '2026-01-01T00:00:59.999Z', 1)).toEqual([iso('2026-01-01T00:01Z')]);
    expect(runs(cron('* * * * * *'), '2026-01-01T00:00:00.001Z', 1)).toEqual([iso('2026-01-01T00:00:01Z')]);
  });

  it('six fields put seconds first', () => {
    expect(runs(cron('15,45 * * * * *'), '2026-01-01T00:00Z', 3)).toEqual([
      iso('2026-01-01T00:00:15Z'),
      iso('2026-01-01T00:00:45Z'),
      iso('2026-01-01T00:01:15Z'),
    ]);
  });

  it('rolls over hours, days, months and years', () => {
    expect(runs(cron('59 23 31 12 *'), '2025-12-31T23:59Z', 1)).toEqual([iso('2026-12-31T23:59Z')]);
    expect(runs(cron('0 0 * * *', 'Asia/Kathmandu'), '2025-12-31T18:15Z', 2)).toEqual([
      iso('2026-01-01T18:15Z'),
      iso('2026-01-02T18:15Z'),
    ]);
  });

  it('February 29 comes every four years, and not in 2100', () => {
    expect(runs(cron('0 0 29 2 *'), '2025-01-01T00:00Z', 2)).toEqual([iso('2028-02-29T00:00Z'), iso('2032-02-29T00:00Z')]);
    expect(runs(cron('0 0 29 2 *'), '2096-03-01T00:00Z', 1)).toEqual([iso('2104-02-29T00:00Z')]);
  });

  it('day-of-week 0 and 7 are both Sunday', () => {
    expect(runs(cron('0 0 * * 7'), '2026-01-01T00:00Z', 1)).toEqual(runs(cron('0 0 * * 0'), '2026-01-01T00:00Z', 1));
    expect(runs(cron('0 0 * * 7'), '2026-01-01T00:00Z', 1)).toEqual([iso('2026-01-04T00:00Z')]);
  });

  it('a day-of-month step starting with * is not a restriction: both day fields must match', () => {
    // 2026-01: odd days that are Mondays: the 5th, 19th
    expect(runs(cron('0 0 */2 * mon'), '2026-01-01T00:00Z', 2)).toEqual([iso('2026-01-05T00:00Z'), iso('2026-01-19T00:00Z')]);
  });

  it('L is the last day of the month, L-2 two days before it', () => {
    expect(runs(cron('0 0 L * *'), '2026-01-31T00:00Z', 3)).toEqual([
      iso('2026-02-28T00:00Z'),
      iso('2026-03-31T00:00Z'),
      iso('2026-04-30T00:00Z'),
    ]);
    expect(runs(cron('0 0 L-2 2 *'), '2027-01-01T00:00Z', 2)).toEqual([iso('2027-02-26T00:00Z'), iso('2028-02-27T00:00Z')]);
  });

  it('nW is the weekday nearest day n, within the month', () => {
    // 2026-02-15 is a Sunday → Monday 16th; 2026-08-15 a Saturday → Friday 14th;
    // 2026-08-01 a Saturday → Monday 3rd (1W stays in the month); 2026-05-31 a Sunday → Friday 29th.
    expect(runs(cron('0 0 15W 2 *'), '2026-01-01T00:00Z', 1)).toEqual([iso('2026-02-16T00:00Z')]);
    expect(runs(cron('0 0 15W 8 *'), '2026-01-01T00:00Z', 1)).toEqual([iso('2026-08-14T00:00Z')]);
    expect(runs(cron('0 0 1W 8 *'), '2026-01-01T00:00Z', 1)).toEqual([iso('2026-08-03T00:00Z')]);
    expect(runs(cron('0 0 31W 5 *'), '2026-01-01T00:00Z', 1)).toEqual([iso('2026-05-29T00:00Z')]);
    expect(runs(cron('0 0 31W * *'), '2026-04-01T00:00Z', 1)).toEqual([iso('2026-05-29T00:00Z')]); // April has no 31st
  });

  it('LW is the last weekday of the month', () => {
    // 2026-01-31 is a Saturday, 2026-05-31 a Sunday
    expect(runs(cron('0 0 LW * *'), '2026-01-01T00:00Z', 1)).toEqual([iso('2026-01-30T00:00Z')]);
    expect(runs(cron('0 0 LW 5 *'), '2026-01-01T00:00Z', 1)).toEqual([iso('2026-05-29T00:00Z')]);
  });

  it('5L is the last Friday, 5#2 the second, and #5 skips months without a fifth', () => {
    expect(runs(cron('0 0 * * 5L'), '2026-01-01T00:00Z', 2)).toEqual([iso('2026-01-30T00:00Z'), iso('2026-02-27T00:00Z')]);
    expect(runs(cron('0 0 * * fri#2'), '2026-01-01T00:00Z', 2)).toEqual([iso('2026-01-09T00:00Z'), iso('2026-02-13T00:00Z')]);
    expect(runs(cron('0 0 * * 1#5'), '2026-01-01T00:00Z', 2)).toEqual([iso('2026-03-30T00:00Z'), iso('2026-06-29T00:00Z')]);
    expect(runs(cron('0 0 * * 1#1,5#3'), '2026-01-01T00:00Z', 3)).toEqual([
      iso('2026-01-05T00:00Z'),
      iso('2026-01-16T00:00Z'),
      iso('2026-02-02T00:00Z'),
    ]);
  });

  it('L and # in a restricted day-of-week combine with day-of-month by either rule', () => {
    // the 1st, or the last Friday
    expect(runs(cron('0 0 1 * 5L'), '2026-01-01T00:00Z', 3)).toEqual([
      iso('2026-01-30T00:00Z'),
      iso('2026-02-01T00:00Z'),
      iso('2026-02-27T00:00Z'),
    ]);
  });

  it('macros', () => {
    expect(runs(cron('@hourly'), '2026-01-01T00:30Z', 1)).toEqual([iso('2026-01-01T01:00Z')]);
    expect(runs(cron('@daily'), '2026-01-01T00:30Z', 1)).toEqual([iso('2026-01-02T00:00Z')]);
    expect(runs(cron('@midnight'), '2026-01-01T00:30Z', 1)).toEqual([iso('2026-01-02T00:00Z')]);
    expect(runs(cron('@weekly'), '2026-01-01T00:30Z', 1)).toEqual([iso('2026-01-04T00:00Z')]);
    expect(runs(cron('@monthly'), '2026-01-01T00:30Z', 1)).toEqual([iso('2026-02-01T00:00Z')]);
    expect(runs(cron('@yearly'), '2026-01-01T00:30Z', 1)).toEqual([iso('2027-01-01T00:00Z')]);
    expect(runs(cron('@annually'), '2026-01-01T00:30Z', 1)).toEqual([iso('2027-01-01T00:00Z')]);
  });

  it('works before 1970 and far ahead', () => {
    expect(runs(cron('0 12 * * *', 'Europe/Stockholm'), '1969-07-20T20:17Z', 1)).toEqual([iso('1969-07-21T11:00Z')]);
    expect(runs(cron('0 0 1 1 *', 'Asia/Tokyo'), '2999-06-01T00:00Z', 1)).toEqual([iso('2999-12-31T15:00Z')]);
  });

  it('is null only when the Date range ends first', () => {
    expect(nextCron(cron('0 0 1 1 *'), Date.parse('+275759-06-01T00:00:00Z'))).toBeNull();
    expect(nextCron(cron('0 0 1 6 *'), Date.parse('+275759-01-01T00:00:00Z'))).toBe(Date.parse('+275759-06-01T00:00:00Z'));
  });
});
