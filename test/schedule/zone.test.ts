import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../../src/errors.js';
import { ZoneRules, assertZone } from '../../src/schedule/zone.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('assertZone', () => {
  it('returns the canonical IANA name', () => {
    expect(assertZone('Europe/Stockholm')).toBe('Europe/Stockholm');
    expect(assertZone('america/new_york')).toBe('America/New_York');
    expect(assertZone('US/Eastern')).toBe('US/Eastern');
    expect(assertZone('Asia/Kathmandu')).toBe('Asia/Kathmandu');
    expect(assertZone('Europe/Kyiv')).toBe('Europe/Kyiv');
    expect(assertZone('utc')).toBe('UTC');
    expect(assertZone('Etc/UTC')).toBe('UTC');
    expect(assertZone('Etc/GMT+5')).toBe('Etc/GMT+5');
  });

  it.each(['Mars/Olympus', '', '+01:00', 'UTC+3', 'EST5EDT6'])('rejects %j', (zone) => {
    expect(() => assertZone(zone)).toThrow(ScheduleError);
    expect(() => assertZone(zone)).toThrow(`unknown time zone "${zone}"`);
  });
});

describe('ZoneRules', () => {
  const luxonOffsetMs = (zone: string, instant: number) => Math.round(IANAZone.create(zone).offset(instant) * 60_000);

  it('finds New York 2025 changes to the second', () => {
    const rules = ZoneRules.of('America/New_York');
    expect(rules.spanAt(Date.parse('2025-06-01T00:00Z'))).toEqual({
      start: Date.parse('2025-03-09T07:00Z'),
      end: Date.parse('2025-11-02T06:00Z'),
      offsetMs: -4 * HOUR,
    });
    expect(rules.spanAt(Date.parse('2025-03-09T06:59:59Z')).offsetMs).toBe(-5 * HOUR);
    expect(rules.spanAt(Date.parse('2025-03-09T07:00Z')).offsetMs).toBe(-4 * HOUR);
  });

  it('finds Apia skipping a day and Lord Howe moving half an hour', () => {
    const apia = ZoneRules.of('Pacific/Apia');
    expect(apia.spanAt(Date.parse('2011-12-30T10:00Z')).start).toBe(Date.parse('2011-12-30T10:00Z'));
    expect(apia.spanAt(Date.parse('2011-12-30T09:59:59Z')).offsetMs).toBe(-10 * HOUR);
    expect(apia.spanAt(Date.parse('2011-12-30T10:00Z')).offsetMs).toBe(14 * HOUR);
    const lordHowe = ZoneRules.of('Australia/Lord_Howe');
    expect(lordHowe.spanAt(Date.parse('2025-10-04T15:29:59Z')).offsetMs).toBe(10.5 * HOUR);
    expect(lordHowe.spanAt(Date.parse('2025-10-04T15:30Z')).offsetMs).toBe(11 * HOUR);
  });

  it('keeps the pre-1972 Monrovia offset of -0:44:30', () => {
    expect(ZoneRules.of('Africa/Monrovia').spanAt(Date.parse('1971-06-01T00:00Z')).offsetMs).toBe(-(44 * 60 + 30) * 1000);
  });

  it('shares one table between names of the same zone', () => {
    expect(ZoneRules.of('US/Eastern')).toBe(ZoneRules.of('America/New_York'));
  });

  it('agrees with luxon at any instant, whatever order the years are asked in', () => {
    const zones = ['America/Santiago', 'Africa/Casablanca', 'Antarctica/Troll', 'Europe/Moscow', 'Pacific/Chatham', 'Asia/Tehran'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2040, 0, 1) }), (zone, instant) => {
        const span = ZoneRules.of(zone).spanAt(instant);
        expect(span.start).toBeLessThanOrEqual(instant);
        expect(span.end).toBeGreaterThan(instant);
        expect(span.offsetMs).toBe(luxonOffsetMs(zone, instant));
        expect(luxonOffsetMs(zone, span.start)).toBe(span.offsetMs);
        expect(luxonOffsetMs(zone, span.end - 1000)).toBe(span.offsetMs);
      }),
      { numRuns: 300 },
    );
  });

  it('finds two changes within one sampled day', () => {
    const base = Date.UTC(2030, 0, 10);
    // +01:00, then +02:00 from 03:00Z, then +03:00 from 05:30Z
    const minutes = (instant: number) => (instant < base + 3 * HOUR ? 60 : instant < base + 5.5 * HOUR ? 120 : 180);
    const rules = new ZoneRules(minutes);
    expect(rules.spanAt(base + 4 * HOUR)).toEqual({ start: base + 3 * HOUR, end: base + 5.5 * HOUR, offsetMs: 2 * HOUR });
    expect(rules.spanAt(base + DAY).start).toBe(base + 5.5 * HOUR);
  });

  it('treats a change exactly at a chunk edge as the next chunk’s first offset', () => {
    const edge = 366 * DAY * 60; // a chunk boundary (chunks are 366 days from the epoch)
    const rules = new ZoneRules((instant) => (instant < edge ? 0 : 60));
    expect(rules.spanAt(edge - 1)).toEqual({ start: edge - 366 * DAY, end: edge, offsetMs: 0 });
    expect(rules.spanAt(edge)).toEqual({ start: edge, end: edge + 366 * DAY, offsetMs: HOUR });
  });

  it('refuses instants outside the Date range', () => {
    expect(() => ZoneRules.of('UTC').spanAt(8.64e15)).toThrow(RangeError);
  });
});
