/**
 * The one parser of schedule values (schedules.md "Schedule values"): whatever a file, the store or
 * the CLI holds becomes a typed Schedule here, or a ScheduleError saying what is wrong. Errors carry
 * the field `schedule` (or `schedule.<key>`), so an entry only adds its file and name.
 */
import { ScheduleError } from '../errors.js';
import { compileCron } from './cron.js';
import { compileCrontab } from './crontab.js';
import { describeType, looksLikeDuration, parseDuration } from './duration.js';
import { parseInstant } from './instant.js';
import { intervalOf, parseEveryPeriod, parseTimedelta } from './interval.js';
import { SOLAR_EVENTS, type Schedule, type SolarEvent, type SolarSchedule } from './types.js';
import { assertZone } from './zone.js';

export interface ParseScheduleOptions {
  /** The zone when the value has none of its own (the caller resolves entry > file > beat's). */
  timezone?: string;
}

/** The keys each mapping form allows; the first one names the form. */
const MAPPING_FORMS = {
  every: ['every', 'period'],
  timedelta: ['timedelta'],
  cron: ['cron', 'timezone'],
  crontab: ['crontab', 'timezone'],
  solar: ['solar', 'lat', 'lon'],
  clocked: ['clocked'],
} as const;
type MappingForm = keyof typeof MAPPING_FORMS;
const FORM_NAMES = Object.keys(MAPPING_FORMS) as MappingForm[];

export function parseSchedule(value: unknown, options: ParseScheduleOptions = {}): Schedule {
  const defaultZone = options.timezone === undefined ? 'UTC' : assertZone(options.timezone);
  try {
    return parseValue(value, defaultZone);
  } catch (error) {
    throw error instanceof ScheduleError ? error.at({ field: 'schedule' }) : error;
  }
}

function parseValue(value: unknown, defaultZone: string): Schedule {
  if (typeof value === 'number') return intervalOf(parseDuration(value, 'interval'));
  if (typeof value === 'string') {
    return looksLikeDuration(value)
      ? intervalOf(parseDuration(value, 'interval', 'a cron expression of 5 or 6 fields'))
      : compileCron(value.trim(), defaultZone);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return parseMapping(value as Record<string, unknown>, defaultZone);
  }
  throw new ScheduleError(
    `expected seconds, a duration, a cron expression or a mapping with one of ${FORM_NAMES.join(', ')}; got ${describeType(value)}`,
  );
}

function parseMapping(value: Record<string, unknown>, defaultZone: string): Schedule {
  const keys = Object.keys(value);
  const forms = FORM_NAMES.filter((form) => form in value);
  if (forms.length !== 1) {
    const found = keys.length ? `got ${keys.map((k) => `"${k}"`).join(', ')}` : 'got an empty mapping';
    throw new ScheduleError(`a schedule mapping needs exactly one of ${FORM_NAMES.join(', ')}; ${found}`);
  }
  const form = forms[0] as MappingForm;
  const allowed: readonly string[] = MAPPING_FORMS[form];
  const unknown = keys.find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new ScheduleError(`unknown key "${unknown}" in a ${form} schedule (allowed: ${allowed.join(', ')})`, {
      field: `schedule.${unknown}`,
    });
  }
  switch (form) {
    case 'every':
      return parseEveryPeriod(value);
    case 'timedelta':
      return parseTimedelta(value.timedelta);
    case 'cron':
      if (typeof value.cron !== 'string') {
        throw new ScheduleError(`must be a cron expression string, got ${describeType(value.cron)}`, { field: 'schedule.cron' });
      }
      return inField('schedule.cron', () => compileCron((value.cron as string).trim(), ownZone(value, defaultZone)));
    case 'crontab': {
      const fields = value.crontab;
      if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
        throw new ScheduleError(`must be a mapping of crontab fields, got ${describeType(fields)}`, { field: 'schedule.crontab' });
      }
      return inField('schedule.crontab', () => compileCrontab(fields as Record<string, unknown>, ownZone(value, defaultZone)));
    }
    case 'solar':
      return parseSolar(value);
    case 'clocked':
      return { kind: 'clocked', atMs: inField('schedule.clocked', () => parseInstant(value.clocked)) };
  }
}

/** A `{cron}` / `{crontab}` value's own zone wins over the entry's, the file's and beat's. */
function ownZone(value: Record<string, unknown>, defaultZone: string): string {
  if (value.timezone === undefined) return defaultZone;
  if (typeof value.timezone !== 'string') {
    throw new ScheduleError(`must be a time zone name, got ${describeType(value.timezone)}`, { field: 'schedule.timezone' });
  }
  return inField('schedule.timezone', () => assertZone(value.timezone as string));
}

function parseSolar(value: Record<string, unknown>): SolarSchedule {
  const event = value.solar;
  if (typeof event !== 'string' || !(SOLAR_EVENTS as readonly string[]).includes(event)) {
    throw new ScheduleError(`unknown solar event ${describeType(event)} (expected ${SOLAR_EVENTS.join(', ')})`, {
      field: 'schedule.solar',
    });
  }
  return {
    kind: 'solar',
    event: event as SolarEvent,
    lat: coordinate(value, 'lat', 90),
    lon: coordinate(value, 'lon', 180),
  };
}

function coordinate(value: Record<string, unknown>, key: 'lat' | 'lon', limit: number): number {
  const degrees = value[key];
  const name = key === 'lat' ? 'latitude' : 'longitude';
  if (degrees === undefined) throw new ScheduleError(`a solar schedule needs "${key}" (${name} in degrees)`, { field: `schedule.${key}` });
  if (typeof degrees !== 'number' || !Number.isFinite(degrees)) {
    throw new ScheduleError(`${name} must be a number of degrees, got ${describeType(degrees)}`, { field: `schedule.${key}` });
  }
  if (Math.abs(degrees) > limit) {
    throw new ScheduleError(`${name} ${degrees} is out of range -${limit} to ${limit}`, { field: `schedule.${key}` });
  }
  return degrees;
}

/** Runs a parser whose errors concern one key of the value, so they name it. */
function inField<T>(field: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw error instanceof ScheduleError ? error.at({ field }) : error;
  }
}
