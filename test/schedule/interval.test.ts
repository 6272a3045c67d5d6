import { describe, expect, it } from 'vitest';
import { nextOnGrid, parseEveryPeriod, parseTimedelta } from '../../src/schedule/interval.js';

describe('{every, period}', () => {
  it.each([
    [{ every: 5, period: 'minutes' }, 300_000],
    [{ every: 2.5, period: 'seconds' }, 2_500],
    [{ every: 1, period: 'weeks' }, 604_800_000],
    [{ every: 36, period: 'hours' }, 129_600_000],
    [{ every: 1, period: 'days' }, 86_400_000],
  ])('%j', (value, everyMs) => {
    expect(parseEveryPeriod(value)).toEqual({ kind: 'interval', everyMs });
  });

  it.each([
    [{ every: 5, period: 'fortnights' }, /unknown period "fortnights" \(expected seconds, minutes, hours, days, weeks\)/, 'schedule.period'],
    [{ every: 5 }, /"period" is required/, 'schedule.period'],
    [{ every: '5', period: 'minutes' }, /"every" must be a number/, 'schedule.every'],
    [{ every: 0, period: 'minutes' }, /interval must be positive, got 0 minutes/, undefined],
    [{ every: -1, period: 'hours' }, /interval must be positive/, undefined],
  ])('rejects %j', (value, message, field) => {
    expect(() => parseEveryPeriod(value)).toThrow(message);
    expect(() => parseEveryPeriod(value)).toThrow(expect.objectContaining({ where: field ? { field } : {} }));
  });
});

describe('{timedelta}', () => {
  it('sums Python timedelta keywords', () => {
    expect(parseTimedelta({ days: 1, hours: 2, minutes: 0, seconds: 0, milliseconds: 0, microseconds: 0, weeks: 0 }))
      .toEqual({ kind: 'interval', everyMs: 93_600_000 });
    expect(parseTimedelta({ seconds: 1, microseconds: 500_000 })).toEqual({ kind: 'interval', everyMs: 1_500 });
    expect(parseTimedelta({ hours: 1, minutes: -30 })).toEqual({ kind: 'interval', everyMs: 1_800_000 });
  });

  it.each([
    [{ fortnights: 1 }, /unknown key "fortnights"/],
    [{ hours: 'two' }, /must be a number/],
    [{ seconds: 0 }, /interval must be positive, got timedelta\(seconds=0\)/],
    [{}, /interval must be positive/],
    [{ microseconds: 1 }, /not a whole number of milliseconds/],
    [[1, 2], /must be a mapping/],
  ])('rejects %j', (value, message) => {
    expect(() => parseTimedelta(value)).toThrow(message);
  });
});

describe('nextOnGrid', () => {
  const hour = 3_600_000;
  const anchor = Date.UTC(2026, 0, 1, 9, 17, 23);

  it('first runs one interval after the anchor (Celery: one interval after first seen)', () => {
    expect(nextOnGrid(hour, anchor, anchor)).toBe(anchor + hour);
    expect(nextOnGrid(hour, anchor, anchor - 5 * hour)).toBe(anchor + hour);
  });

  it('stays on the grid after a late run: "after" is the intended instant, later instants are skipped over', () => {
    expect(nextOnGrid(hour, anchor, anchor + hour)).toBe(anchor + 2 * hour);
    expect(nextOnGrid(hour, anchor, anchor + 2 * hour + 1)).toBe(anchor + 3 * hour);
    expect(nextOnGrid(hour, anchor, anchor + 3 * hour - 1)).toBe(anchor + 3 * hour);
  });

  it('is strictly after "after", exact to the millisecond', () => {
    expect(nextOnGrid(1, 0, 41)).toBe(42);
    expect(nextOnGrid(2_500, 1_000, 3_500)).toBe(6_000);
  });
});
