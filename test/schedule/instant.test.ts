import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../../src/schedule/instant.js';

describe('parseInstant', () => {
  it.each([
    ['2026-12-24T18:00:00+01:00', Date.UTC(2026, 11, 24, 17)],
    ['2026-12-24T17:00:00Z', Date.UTC(2026, 11, 24, 17)],
    ['2026-12-24T17:00Z', Date.UTC(2026, 11, 24, 17)],
    ['2026-12-24T12:15:00.250-04:45', Date.UTC(2026, 11, 24, 17, 0, 0, 250)],
    ['2026-12-24T22:45:00+0545', Date.UTC(2026, 11, 24, 17)],
  ])('reads %s', (text, ms) => {
    expect(parseInstant(text)).toBe(ms);
  });

  it('demands a UTC offset, saying so', () => {
    expect(() => parseInstant('2026-12-24T18:00:00')).toThrow(/has no UTC offset: add Z or e.g. \+01:00/);
  });

  it.each([
    ['2026-12-24', /not an ISO-8601 instant with a UTC offset/],
    ['tomorrow', /not an ISO-8601 instant/],
    ['2026-02-30T18:00:00Z', /not a valid date-time/],
    [1798131600000, /expected an ISO-8601 instant/],
  ])('rejects %j', (value, message) => {
    expect(() => parseInstant(value)).toThrow(message);
  });
});

describe('parseInstant without luxon (the common shape)', () => {
  const two = (n: number) => String(n).padStart(2, '0');
  it('reads every instant as luxon does, in range or not', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.option(fc.integer({ min: 0, max: 60 })),
      fc.option(fc.stringMatching(/^\d{1,3}$/)), fc.option(fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }))),
      (year, month, day, hour, minute, second, fraction, offset) => {
        const time = `${two(hour)}:${two(minute)}${second === null ? '' : `:${two(second)}${fraction === null ? '' : `.${fraction}`}`}`;
        const text = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${time}${offset === null ? 'Z' : `${offset[0]}${two(offset[1])}:${two(offset[2])}`}`;
        const luxon = DateTime.fromISO(text, { setZone: true });
        if (luxon.isValid) expect(parseInstant(text)).toBe(luxon.toMillis());
        else expect(() => parseInstant(text)).toThrow(/not a valid date-time/);
      },
    ), { numRuns: 5000 });
  });
});

describe('formatInstant', () => {
  it('prints UTC, with milliseconds only when there are some', () => {
    expect(formatInstant(Date.UTC(2026, 11, 24, 17))).toBe('2026-12-24T17:00:00Z');
    expect(formatInstant(Date.UTC(2026, 11, 24, 17, 0, 0, 5))).toBe('2026-12-24T17:00:00.005Z');
  });
});
