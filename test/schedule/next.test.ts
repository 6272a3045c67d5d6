import { describe, expect, it } from 'vitest';
import { describeSchedule } from '../../src/schedule/describe.js';
import { parseEntry } from '../../src/schedule/entry.js';
import { nextEntryRun, nextRun, nextRuns } from '../../src/schedule/next.js';
import { parseSchedule } from '../../src/schedule/parse.js';

const at = (iso: string) => Date.parse(iso);

describe('nextRun', () => {
  it('runs an interval one period after "after" when no anchor is given', () => {
    expect(nextRun(parseSchedule('1h30m', {}), at('2026-01-01T00:00:00Z'))).toBe(at('2026-01-01T01:30:00Z'));
  });

  it('keeps an interval on its anchor grid', () => {
    const schedule = parseSchedule(600, {});
    expect(nextRun(schedule, at('2026-01-01T00:17:00Z'), at('2026-01-01T00:05:00Z'))).toBe(at('2026-01-01T00:25:00Z'));
  });

  it('does not let a clock change move an interval: every 1h is every 3600 s', () => {
    const runs = nextRuns(parseSchedule('1h', { timezone: 'America/New_York' }), at('2025-03-09T05:00:00Z'), 3);
    expect(runs).toEqual([at('2025-03-09T06:00:00Z'), at('2025-03-09T07:00:00Z'), at('2025-03-09T08:00:00Z')]);
  });

  it('runs a clocked schedule once, strictly after "after"', () => {
    const schedule = parseSchedule({ clocked: '2026-12-24T18:00:00+01:00' }, {});
    expect(nextRun(schedule, at('2026-12-24T16:59:59.999Z'))).toBe(at('2026-12-24T17:00:00Z'));
    expect(nextRun(schedule, at('2026-12-24T17:00:00Z'))).toBeNull();
    expect(nextRuns(schedule, at('2026-01-01T00:00:00Z'), 5)).toEqual([at('2026-12-24T17:00:00Z')]);
  });

  it('dispatches cron to the cron engine, in the resolved zone', () => {
    expect(nextRuns(parseSchedule('30 2 * * *', { timezone: 'America/New_York' }), at('2025-03-09T06:00:00Z'), 2))
      .toEqual([at('2025-03-09T07:00:00Z'), at('2025-03-10T06:30:00Z')]);
  });

  it('dispatches solar to the solar calculator', () => {
    const next = nextRun(parseSchedule({ solar: 'sunset', lat: -33.87, lon: 151.21 }, {}), at('2025-01-15T00:00:00Z')) as number;
    expect(Math.abs(next - at('2025-01-15T09:08:56Z'))).toBeLessThan(60_000);
  });
});

describe('nextEntryRun', () => {
  const entry = (raw: Record<string, unknown>) => parseEntry('e', { task: 't', ...raw });

  it('starts an interval at its start, then every interval', () => {
    const e = entry({ schedule: '1h', start: '2026-01-01T09:00:00Z' });
    expect(nextEntryRun(e, at('2026-01-01T00:00:00Z'))).toBe(at('2026-01-01T09:00:00Z'));
    expect(nextEntryRun(e, at('2026-01-01T09:00:00Z'))).toBe(at('2026-01-01T10:00:00Z'));
    expect(nextEntryRun(e, at('2026-01-01T09:30:00Z'), at('2025-06-01T00:00:00Z'))).toBe(at('2026-01-01T10:00:00Z'));
  });

  it('anchors an interval without start at the given anchor (beat: first seen)', () => {
    const e = entry({ schedule: '1h' });
    expect(nextEntryRun(e, at('2026-01-01T09:10:00Z'), at('2026-01-01T08:45:00Z'))).toBe(at('2026-01-01T09:45:00Z'));
  });

  it('runs nothing before start, and a run exactly at start counts', () => {
    const e = entry({ schedule: '0 * * * *', start: '2026-01-01T09:00:00Z' });
    expect(nextEntryRun(e, at('2026-01-01T00:00:00Z'))).toBe(at('2026-01-01T09:00:00Z'));
  });

  it('runs nothing after end, and a run exactly at end counts', () => {
    const e = entry({ schedule: '0 * * * *', end: '2026-01-01T10:00:00Z' });
    expect(nextEntryRun(e, at('2026-01-01T09:30:00Z'))).toBe(at('2026-01-01T10:00:00Z'));
    expect(nextEntryRun(e, at('2026-01-01T10:00:00Z'))).toBeNull();
  });
});

describe('describeSchedule', () => {
  it.each([
    ['1h30m', {}, 'every 1h30m'],
    [2.5, {}, 'every 2.5s'],
    [{ timedelta: { days: 1 } }, {}, 'every 1d'],
    [{ crontab: { hour: 7, minute: 30, day_of_week: 1 } }, { timezone: 'Asia/Shanghai' }, 'at 07:30 on Monday, Asia/Shanghai'],
    ['0 2 * * *', {}, 'at 02:00, UTC'],
    [{ solar: 'sunrise', lat: 59.33, lon: 18.06 }, {}, 'sunrise at 59.33, 18.06'],
    [{ clocked: '2026-12-24T18:00:00+01:00' }, {}, 'once at 2026-12-24T17:00:00Z'],
  ])('%j reads "%s"', (value, options, text) => {
    expect(describeSchedule(parseSchedule(value, options))).toBe(text);
  });
});
