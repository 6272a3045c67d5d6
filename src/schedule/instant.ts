/**
 * Instants written by people (clocked schedules, `start`/`end`, `expires`, `--after`). An instant
 * must say its UTC offset: "18:00" alone means something different on every host, and celeriac's
 * answers never depend on the host's time zone.
 */
import { DateTime } from 'luxon';
import { ScheduleError } from '../errors.js';
import { describeType } from './duration.js';

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Milliseconds since the epoch of an ISO-8601 date-time carrying `Z` or an offset like `+01:00`. */
export function parseInstant(value: unknown): number {
  if (typeof value !== 'string') {
    throw new ScheduleError(`expected an ISO-8601 instant like "2026-12-24T18:00:00+01:00", got ${describeType(value)}`);
  }
  const text = value.trim();
  if (!WITH_OFFSET.test(text)) {
    const hint = /^\d{4}-\d{2}-\d{2}T[\d:.,]+$/i.test(text) ? ' (it has no UTC offset: add Z or e.g. +01:00)' : '';
    throw new ScheduleError(
      `"${value}" is not an ISO-8601 instant with a UTC offset like "2026-12-24T18:00:00+01:00"${hint}`,
    );
  }
  const plain = parsePlainInstant(text);
  if (plain !== undefined) return plain;
  const parsed = DateTime.fromISO(text, { setZone: true });
  if (!parsed.isValid) throw new ScheduleError(`"${value}" is not a valid date-time: ${parsed.invalidExplanation ?? parsed.invalidReason}`);
  return parsed.toMillis();
}

/** The shape nearly every instant has: `2026-12-24T18:00[:00[.250]]` with `Z` or `+01:00`. */
const PLAIN_INSTANT = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,3}))?)?(?:Z|([+-])(\d\d):(\d\d))$/;

/**
 * The common shape, read by hand: luxon takes about 10 us per instant, and a schedule file of 100k
 * entries with a `start` each spent most of its load time there. Anything else, or anything out of
 * range (so that luxon explains what is wrong), is left to luxon; a property test checks both agree.
 */
function parsePlainInstant(text: string): number | undefined {
  const m = PLAIN_INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const offsetHours = m[9] === undefined ? 0 : Number(m[9]);
  const offsetMinutes = m[10] === undefined ? 0 : Number(m[10]);
  // Date.UTC reads years 0-99 as 1900-1999.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const milliseconds = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  const offsetMs = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return Date.UTC(year, month - 1, day, hour, minute, second, milliseconds) - offsetMs;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `2026-12-24T17:00:00Z`, with milliseconds only when there are some. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
