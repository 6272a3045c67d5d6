import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../../src/errors.js';
import { formatDuration, looksLikeDuration, parseDuration } from '../../src/schedule/duration.js';

describe('parseDuration', () => {
  it.each([
    [10, 10_000],
    [2.5, 2_500],
    ['30s', 30_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
    ['1w2d3h4m5s6ms', 604_800_000 + 2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5_000 + 6],
    ['PT15M', 900_000],
    ['P1DT2H', 93_600_000],
    ['P2W', 1_209_600_000],
    ['pt1.5h', 5_400_000],
    ['30', 30_000],
    ['2.5', 2_500],
    [' 45s ', 45_000],
  ])('reads %j as %d ms', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each([
    ['P1M', /months or years.*use a cron expression/],
    ['P1Y', /months or years.*use a cron expression/],
    ['P1Y2D', /months or years/],
    ['1x', /malformed duration "1x"/],
    ['h', /malformed duration "h"/],
    ['1h 1h', /unit "h" appears twice/],
    ['1H', /malformed duration "1H"/],
    ['PT', /interval must be positive/],
    ['P1Q', /malformed ISO-8601 duration "P1Q"/],
    [0, /interval must be positive, got 0/],
    [-5, /interval must be positive, got -5/],
    ['0s', /interval must be positive/],
    ['-3', /interval must be positive/],
    [0.0001, /not a whole number of milliseconds/],
    [Infinity, /not a finite number/],
    [true, /expected a number with a unit.*; got boolean true/],
  ])('rejects %j', (value, message) => {
    expect(() => parseDuration(value, 'interval')).toThrow(ScheduleError);
    expect(() => parseDuration(value, 'interval')).toThrow(message);
  });

  it('names the quantity it was asked for', () => {
    expect(() => parseDuration('0s', 'jitter')).toThrow('jitter must be positive');
  });

  it('keeps decimal seconds exact despite float noise (1.1 s is 1100 ms)', () => {
    expect(parseDuration(1.1)).toBe(1_100);
    expect(parseDuration('0.3s')).toBe(300);
  });
});

describe('looksLikeDuration', () => {
  it.each([
    ['30s', true],
    ['1h 30m', true],
    ['1w 1d 1h 1m 1s', true],
    ['*/5', true], // fewer than 5 fields can only be a (malformed) duration
    ['0 2 * * *', false],
    ['0 0 15W * *', false],
    ['0 0 1 1 1', false],
    ['@hourly', false],
  ])('%j → %s', (text, expected) => {
    expect(looksLikeDuration(text)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [5_400_000, '1h30m'],
    [2_500, '2.5s'],
    [500, '500ms'],
    [86_400_000, '1d'],
    [694_800_000, '1w1d1h'],
    [60_500, '1m0.5s'],
  ])('%d ms reads "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('gives text that parses back to the same duration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});
