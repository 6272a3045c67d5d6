/**
 * Solar events (Celery's `solar` schedule) from NOAA's solar calculator equations (Meeus,
 * "Astronomical Algorithms"), solved at the event instant. Written here rather than taken from
 * suncalc: suncalc 2.0.2 agrees within seconds on ordinary days, but decides whether a day has the
 * event from the sun's declination at noon, so on the first night after Tromsø's midnight sun
 * (2025-07-25) it finds no sunset at all, which PyEphem (what Celery uses) finds at 22:28Z.
 * The tests pin PyEphem's answers within a minute.
 *
 * Horizons as in Celery: sunrise/sunset when the upper limb is at -0:34 (refraction), i.e. the
 * centre at -0.833°; twilight when the centre is at -6°, -12°, -18°. solar_noon is the meridian
 * transit, which happens every day (also in polar night, below the horizon), as ephem's
 * next_transit does for Celery. (Celery's table gives dusk_astronomical +18°, a typo that would make
 * "dusk" an afternoon event; we use -18°, as for dawn.)
 */
import type { SolarEvent, SolarSchedule } from './types.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const RAD = Math.PI / 180;
/** A year holds every event a place ever has; none within it means none ever (e.g. at a pole). */
const SEARCH_DAYS = 367;

interface EventRule {
  /** Altitude of the sun's centre at the event, in degrees; null for the transit. */
  altitude: number | null;
  rising: boolean;
}

const EVENTS: Record<SolarEvent, EventRule> = {
  dawn_astronomical: { altitude: -18, rising: true },
  dawn_nautical: { altitude: -12, rising: true },
  dawn_civil: { altitude: -6, rising: true },
  sunrise: { altitude: -0.833, rising: true },
  solar_noon: { altitude: null, rising: false },
  sunset: { altitude: -0.833, rising: false },
  dusk_civil: { altitude: -6, rising: false },
  dusk_nautical: { altitude: -12, rising: false },
  dusk_astronomical: { altitude: -18, rising: false },
};

interface SunPosition {
  /** Declination in radians. */
  declination: number;
  /** Equation of time in minutes (apparent minus mean solar time). */
  equationOfTime: number;
}

/** NOAA's sun position at an instant (the spreadsheet's columns, in order). */
export function sunPosition(ms: number): SunPosition {
  const julianCentury = (ms / DAY_MS + 2440587.5 - 2451545) / 36525;
  const t = julianCentury;
  const meanLongitude = ((280.46646 + t * (36000.76983 + t * 0.0003032)) % 360) * RAD;
  const meanAnomaly = (357.52911 + t * (35999.05029 - 0.0001537 * t)) * RAD;
  const eccentricity = 0.016708634 - t * (0.000042037 + 0.0000001267 * t);
  const equationOfCentre =
    Math.sin(meanAnomaly) * (1.914602 - t * (0.004817 + 0.000014 * t)) +
    Math.sin(2 * meanAnomaly) * (0.019993 - 0.000101 * t) +
    Math.sin(3 * meanAnomaly) * 0.000289;
  const omega = (125.04 - 1934.136 * t) * RAD;
  const apparentLongitude = (meanLongitude / RAD + equationOfCentre - 0.00569 - 0.00478 * Math.sin(omega)) * RAD;
  const meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
  const obliquity = (meanObliquity + 0.00256 * Math.cos(omega)) * RAD;
  const declination = Math.asin(Math.sin(obliquity) * Math.sin(apparentLongitude));
  const y = Math.tan(obliquity / 2) ** 2;
  const equationOfTime =
    (4 / RAD) *
    (y * Math.sin(2 * meanLongitude) -
      2 * eccentricity * Math.sin(meanAnomaly) +
      4 * eccentricity * y * Math.sin(meanAnomaly) * Math.cos(2 * meanLongitude) -
      0.5 * y * y * Math.sin(4 * meanLongitude) -
      1.25 * eccentricity * eccentricity * Math.sin(2 * meanAnomaly));
  return { declination, equationOfTime };
}

/**
 * The event of the solar day whose transit falls near noon (local mean time) of UTC day `day`
 * (days since the epoch), or null when the sun does not reach that altitude that day. Solves
 * altitude(t) = h by fixed-point iteration with the sun's position taken at the event itself: on
 * the first and last nights around a polar day the sun dips for minutes only, and the declination
 * at noon would miss that (the tests pin Tromsø's first sunset after the midnight sun).
 */
export function solarEventOnDay(event: SolarEvent, lat: number, lon: number, day: number): number | null {
  const rule = EVENTS[event];
  const dayStart = day * DAY_MS;
  const latitude = lat * RAD;
  let at = dayStart + (720 - 4 * lon) * MINUTE_MS;
  let reached = true;
  for (let iteration = 0; iteration < 10; iteration++) {
    const { declination, equationOfTime } = sunPosition(at);
    const transit = dayStart + (720 - 4 * lon - equationOfTime) * MINUTE_MS;
    let next = transit;
    if (rule.altitude !== null) {
      const cosHourAngle =
        (Math.sin(rule.altitude * RAD) - Math.sin(latitude) * Math.sin(declination)) /
        (Math.cos(latitude) * Math.cos(declination));
      // Out of range: the sun stays above (< -1) or below (> 1) the altitude at this position; look
      // again where it comes closest (midnight or noon) before deciding the day has no event.
      reached = Math.abs(cosHourAngle) <= 1;
      const hourAngleMinutes = (4 * Math.acos(Math.min(1, Math.max(-1, cosHourAngle)))) / RAD;
      next = transit + (rule.rising ? -hourAngleMinutes : hourAngleMinutes) * MINUTE_MS;
    }
    const converged = Math.abs(next - at) < 1000;
    at = next;
    if (converged) break;
  }
  // Whole seconds: the model is good to seconds at best, and occurrence instants name task ids.
  return reached ? Math.round(at / 1000) * 1000 : null;
}

/** The first occurrence of the event strictly after `afterMs`, skipping days without it; null if never. */
export function nextSolar(schedule: SolarSchedule, afterMs: number): number | null {
  const firstDay = Math.floor(afterMs / DAY_MS) - 1;
  for (let day = firstDay; day <= firstDay + SEARCH_DAYS; day++) {
    const at = solarEventOnDay(schedule.event, schedule.lat, schedule.lon, day);
    if (at !== null && at > afterMs) return at;
  }
  return null;
}
