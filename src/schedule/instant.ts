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
  const parsed = DateTime.fromISO(text, { setZone: true });
  if (!parsed.isValid) throw new ScheduleError(`"${value}" is not a valid date-time: ${parsed.invalidExplanation ?? parsed.invalidReason}`);
  return parsed.toMillis();
}

/** `2026-12-24T17:00:00Z`, with milliseconds only when there are some. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
