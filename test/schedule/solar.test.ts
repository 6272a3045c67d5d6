import { describe, expect, it } from 'vitest';
import { nextSolar, solarEventOnDay } from '../../src/schedule/solar.js';
import type { SolarEvent } from '../../src/schedule/types.js';

/**
 * Reference instants from PyEphem 4.1.4 (the library Celery's solar schedule uses), set up as Celery
 * sets it up; printed by `/usr/bin/python3 test/schedule/solar-reference.py`. Columns: place, lat,
 * lon, event, after, first event strictly after "after".
 */
const PYEPHEM: Array<[string, number, number, SolarEvent, string, string]> = [
  ['Stockholm', 59.33, 18.06, 'dawn_astronomical', '2025-12-21T00:00:00Z', '2025-12-21T05:02:02Z'],
  ['Stockholm', 59.33, 18.06, 'dawn_nautical', '2025-12-21T00:00:00Z', '2025-12-21T05:52:29Z'],
  ['Stockholm', 59.33, 18.06, 'dawn_civil', '2025-12-21T00:00:00Z', '2025-12-21T06:47:53Z'],
  ['Stockholm', 59.33, 18.06, 'sunrise', '2025-12-21T00:00:00Z', '2025-12-21T07:43:31Z'],
  ['Stockholm', 59.33, 18.06, 'solar_noon', '2025-12-21T00:00:00Z', '2025-12-21T10:45:55Z'],
  ['Stockholm', 59.33, 18.06, 'sunset', '2025-12-21T00:00:00Z', '2025-12-21T13:48:18Z'],
  ['Stockholm', 59.33, 18.06, 'dusk_civil', '2025-12-21T00:00:00Z', '2025-12-21T14:43:56Z'],
  ['Stockholm', 59.33, 18.06, 'dusk_nautical', '2025-12-21T00:00:00Z', '2025-12-21T15:39:20Z'],
  ['Stockholm', 59.33, 18.06, 'dusk_astronomical', '2025-12-21T00:00:00Z', '2025-12-21T16:29:47Z'],
  ['Stockholm', 59.33, 18.06, 'sunrise', '2025-03-20T12:00:00Z', '2025-03-21T04:46:11Z'],
  ['Stockholm', 59.33, 18.06, 'sunset', '2025-03-20T12:00:00Z', '2025-03-20T17:02:28Z'],
  ['Stockholm', 59.33, 18.06, 'solar_noon', '2025-03-20T12:00:00Z', '2025-03-21T10:54:50Z'],
  ['Stockholm', 59.33, 18.06, 'dusk_civil', '2025-03-20T12:00:00Z', '2025-03-20T17:43:18Z'],
  ['Stockholm', 59.33, 18.06, 'dawn_nautical', '2025-06-15T00:00:00Z', '2025-07-29T23:19:27Z'],
  ['Stockholm', 59.33, 18.06, 'dusk_nautical', '2025-06-15T00:00:00Z', '2025-07-29T22:29:39Z'],
  ['Stockholm', 59.33, 18.06, 'dawn_astronomical', '2025-06-15T00:00:00Z', '2025-08-19T23:19:59Z'],
  ['Stockholm', 59.33, 18.06, 'dusk_civil', '2025-06-15T00:00:00Z', '2025-06-15T21:36:14Z'],
  ['Tromso', 69.65, 18.96, 'sunrise', '2025-12-01T00:00:00Z', '2026-01-15T10:29:09Z'],
  ['Tromso', 69.65, 18.96, 'sunset', '2025-12-01T00:00:00Z', '2026-01-15T11:18:38Z'],
  ['Tromso', 69.65, 18.96, 'solar_noon', '2025-12-01T00:00:00Z', '2025-12-01T10:33:15Z'],
  ['Tromso', 69.65, 18.96, 'dawn_civil', '2025-12-01T00:00:00Z', '2025-12-01T07:50:14Z'],
  ['Tromso', 69.65, 18.96, 'sunset', '2025-06-01T00:00:00Z', '2025-07-25T22:28:32Z'],
  ['Tromso', 69.65, 18.96, 'sunrise', '2025-06-01T00:00:00Z', '2025-07-25T23:13:46Z'],
  ['Tromso', 69.65, 18.96, 'dusk_civil', '2025-06-01T00:00:00Z', '2025-08-14T22:08:43Z'],
  ['Tromso', 69.65, 18.96, 'sunrise', '2025-09-10T00:00:00Z', '2025-09-10T03:38:16Z'],
  ['Tromso', 69.65, 18.96, 'sunset', '2025-09-10T00:00:00Z', '2025-09-10T17:41:22Z'],
  ['Sydney', -33.87, 151.21, 'sunrise', '2025-01-15T00:00:00Z', '2025-01-15T19:00:39Z'],
  ['Sydney', -33.87, 151.21, 'solar_noon', '2025-01-15T00:00:00Z', '2025-01-15T02:04:29Z'],
  ['Sydney', -33.87, 151.21, 'sunset', '2025-01-15T00:00:00Z', '2025-01-15T09:08:56Z'],
  ['Sydney', -33.87, 151.21, 'dusk_civil', '2025-01-15T00:00:00Z', '2025-01-15T09:37:11Z'],
  ['Sydney', -33.87, 151.21, 'dawn_astronomical', '2025-01-15T00:00:00Z', '2025-01-15T17:20:45Z'],
  ['Quito', -0.18, -78.47, 'sunrise', '2025-03-20T00:00:00Z', '2025-03-20T11:17:55Z'],
  ['Quito', -0.18, -78.47, 'solar_noon', '2025-03-20T00:00:00Z', '2025-03-20T17:21:10Z'],
  ['Quito', -0.18, -78.47, 'sunset', '2025-03-20T00:00:00Z', '2025-03-20T23:24:25Z'],
  ['Quito', -0.18, -78.47, 'dusk_nautical', '2025-03-20T00:00:00Z', '2025-03-20T00:09:22Z'],
  ['Pago Pago', -14.27, -170.7, 'sunrise', '2025-07-04T00:00:00Z', '2025-07-04T17:48:10Z'],
  ['Pago Pago', -14.27, -170.7, 'sunset', '2025-07-04T00:00:00Z', '2025-07-04T05:06:21Z'],
  ['Pago Pago', -14.27, -170.7, 'solar_noon', '2025-07-04T00:00:00Z', '2025-07-04T23:27:23Z'],
  ['Longyearbyen', 78.22, 15.65, 'sunrise', '2025-02-10T00:00:00Z', '2025-02-15T10:40:55Z'],
  ['Longyearbyen', 78.22, 15.65, 'dawn_civil', '2025-02-10T00:00:00Z', '2025-02-10T08:05:26Z'],
];

const MINUTE = 60_000;

describe('nextSolar against PyEphem (what Celery uses)', () => {
  it.each(PYEPHEM)('%s (%d, %d): %s after %s is %s', (_place, lat, lon, event, after, expected) => {
    const next = nextSolar({ kind: 'solar', event, lat, lon }, Date.parse(after));
    expect(next).not.toBeNull();
    expect(Math.abs((next as number) - Date.parse(expected))).toBeLessThan(MINUTE);
  });
});

describe('days without the event', () => {
  const tromso = { lat: 69.65, lon: 18.96 };
  const day = (iso: string) => Math.floor(Date.parse(iso) / 86_400_000);

  it('Tromsø has no sunrise or sunset in polar night, and no sunset under the midnight sun', () => {
    expect(solarEventOnDay('sunrise', tromso.lat, tromso.lon, day('2025-12-21'))).toBeNull();
    expect(solarEventOnDay('sunset', tromso.lat, tromso.lon, day('2025-12-21'))).toBeNull();
    expect(solarEventOnDay('sunset', tromso.lat, tromso.lon, day('2025-06-21'))).toBeNull();
    expect(solarEventOnDay('sunset', tromso.lat, tromso.lon, day('2025-09-21'))).not.toBeNull();
  });

  it('solar_noon happens every day, in polar night too (ephem next_transit)', () => {
    const noon = solarEventOnDay('solar_noon', tromso.lat, tromso.lon, day('2025-12-21'));
    expect(noon).not.toBeNull();
    expect(new Date(noon as number).toISOString().slice(0, 13)).toBe('2025-12-21T10');
  });

  it('consecutive occurrences are about a day apart and strictly increasing', () => {
    const schedule = { kind: 'solar', event: 'sunset', lat: -33.87, lon: 151.21 } as const;
    let after = Date.parse('2025-01-01T00:00:00Z');
    for (let i = 0; i < 400; i++) {
      const next = nextSolar(schedule, after) as number;
      expect(next).toBeGreaterThan(after);
      if (i > 0) expect(Math.abs(next - after - 86_400_000)).toBeLessThan(2 * MINUTE);
      after = next;
    }
  });

  it('is strictly after "after": asking at the exact instant gives the next day', () => {
    const schedule = { kind: 'solar', event: 'sunrise', lat: 59.33, lon: 18.06 } as const;
    const first = nextSolar(schedule, Date.parse('2025-12-21T00:00:00Z')) as number;
    const second = nextSolar(schedule, first) as number;
    expect(second - first).toBeGreaterThan(23 * 3_600_000);
    expect(second - first).toBeLessThan(25 * 3_600_000);
  });
});
