/**
 * Entries (schedules.md "Entry fields"): the one place that decides what a valid entry is, whether
 * it came from a schedule file, the store or the command line. Pure: no I/O, no clock.
 */
import { ScheduleError } from '../errors.js';
import { describeType, formatDuration, parseDuration } from './duration.js';
import type { Entry, EntryOptions, MissedPolicy } from './entry-types.js';
import { formatInstant, parseInstant } from './instant.js';
import { parseSchedule } from './parse.js';
import { assertZone } from './zone.js';

export interface EntryContext {
  /** The file the entry is in, for messages (and the default `source`). */
  file?: string;
  /** The default zone: the file's `timezone`, else beat's `--timezone`; UTC when neither. */
  timezone?: string;
  /** Where the entry was defined: a file path, or `store`. Defaults to `file`, else `store`. */
  source?: string;
}

const ENTRY_FIELDS = [
  'task', 'schedule', 'args', 'kwargs', 'options', 'timezone', 'enabled', 'description', 'start', 'end',
  'limit', 'jitter', 'missed', 'grace', 'catchup_limit',
] as const;
const OPTION_FIELDS = ['queue', 'exchange', 'routing_key', 'priority', 'expires', 'headers', 'compression'] as const;
const ENTRY_FIELD_SET: ReadonlySet<string> = new Set(ENTRY_FIELDS);
const OPTION_FIELD_SET: ReadonlySet<string> = new Set(OPTION_FIELDS);
const MISSED_POLICIES: readonly MissedPolicy[] = ['once', 'skip', 'all'];
const DEFAULT_CATCHUP_LIMIT = 100;
/** Shared by every entry that leaves these out (entries are never changed once parsed): 100k entries need not hold 100k empty objects. */
const NO_ARGS = Object.freeze([]) as unknown as unknown[];
const NO_KWARGS = Object.freeze({}) as Record<string, unknown>;
const NO_OPTIONS = Object.freeze({}) as EntryOptions;

type Raw = Record<string, unknown>;

/** Validates one entry; throws a ScheduleError naming the file, the entry and the field. */
export function parseEntry(name: string, raw: unknown, context: EntryContext = {}): Entry {
  try {
    return buildEntry(name, raw, context);
  } catch (error) {
    throw error instanceof ScheduleError ? error.at({ file: context.file, entry: name }) : error;
  }
}

function buildEntry(name: string, raw: unknown, context: EntryContext): Entry {
  checkName(name);
  if (!isMapping(raw)) throw new ScheduleError(`an entry must be a mapping of fields, got ${describeType(raw)}`);
  for (const key in raw) {
    if (!ENTRY_FIELD_SET.has(key)) throw new ScheduleError(`unknown field (allowed: ${ENTRY_FIELDS.join(', ')})`, { field: key });
  }
  const timezone = field(raw, 'timezone', parseZoneName);
  if (raw.schedule === undefined) throw new ScheduleError('is required', { field: 'schedule' });
  const task = field(raw, 'task', parseTaskName);
  if (task === undefined) throw new ScheduleError('is required', { field: 'task' });
  const entry: Entry = {
    name,
    task,
    schedule: parseSchedule(raw.schedule, { timezone: timezone ?? context.timezone }),
    scheduleValue: raw.schedule,
    args: field(raw, 'args', parseArgs) ?? NO_ARGS,
    kwargs: field(raw, 'kwargs', requireMapping) ?? NO_KWARGS,
    options: field(raw, 'options', parseOptions) ?? NO_OPTIONS,
    enabled: field(raw, 'enabled', parseBoolean) ?? true,
    jitterMs: field(raw, 'jitter', parseJitter) ?? 0,
    missed: field(raw, 'missed', parseMissed) ?? 'once',
    catchupLimit: field(raw, 'catchup_limit', positiveInteger) ?? DEFAULT_CATCHUP_LIMIT,
    source: context.source ?? context.file ?? 'store',
  };
  // Optional fields stay absent rather than `undefined`, so entries compare and serialise cleanly.
  if (timezone !== undefined) entry.timezone = timezone;
  if (raw.description !== undefined) entry.description = field(raw, 'description', parseText);
  if (raw.start !== undefined) entry.startMs = field(raw, 'start', parseInstant);
  if (raw.end !== undefined) entry.endMs = field(raw, 'end', parseInstant);
  if (entry.startMs !== undefined && entry.endMs !== undefined && entry.endMs < entry.startMs) {
    throw new ScheduleError(`is before start (${formatInstant(entry.startMs)})`, { field: 'end' });
  }
  if (raw.limit !== undefined) entry.limit = field(raw, 'limit', positiveInteger);
  if (raw.grace !== undefined) entry.graceMs = field(raw, 'grace', parseGrace);
  return entry;
}

const parseZoneName = (value: unknown): string => {
  assertZone(requireString(value, 'a time zone name'));
  return value as string;
};
const parseTaskName = (value: unknown): string => requireNonEmpty(value, 'a task name');
const parseText = (value: unknown): string => requireString(value, 'text');
const parseJitter = (value: unknown): number => parseDuration(value, 'jitter');
const parseGrace = (value: unknown): number => parseDuration(value, 'grace');

function parseArgs(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new ScheduleError(`must be a list, got ${describeType(value)}`);
  return value;
}

function parseBoolean(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ScheduleError(`must be true or false, got ${describeType(value)}`);
  return value;
}

function parseMissed(value: unknown): MissedPolicy {
  if (!MISSED_POLICIES.includes(value as MissedPolicy)) {
    throw new ScheduleError(`must be one of ${MISSED_POLICIES.join(', ')}, got ${describeType(value)}`);
  }
  return value as MissedPolicy;
}

function parseOptions(value: unknown): EntryOptions {
  const raw = requireMapping(value);
  for (const key in raw) {
    if (!OPTION_FIELD_SET.has(key)) throw new ScheduleError(`unknown option (allowed: ${OPTION_FIELDS.join(', ')})`, { field: `options.${key}` });
  }
  const options: EntryOptions = {};
  if (raw.queue !== undefined) options.queue = field(raw, 'queue', parseQueue, 'options.');
  if (raw.exchange !== undefined) options.exchange = field(raw, 'exchange', parseExchange, 'options.');
  if (raw.routing_key !== undefined) options.routingKey = field(raw, 'routing_key', parseRoutingKey, 'options.');
  if (raw.priority !== undefined) options.priority = field(raw, 'priority', parsePriority, 'options.');
  if (raw.expires !== undefined) options.expires = field(raw, 'expires', parseExpires, 'options.');
  if (raw.headers !== undefined) options.headers = field(raw, 'headers', requireMapping, 'options.');
  if (raw.compression !== undefined) options.compression = field(raw, 'compression', parseCompression, 'options.');
  return options;
}

const parseQueue = (value: unknown): string => requireNonEmpty(value, 'a queue name');
const parseExchange = (value: unknown): string => requireString(value, 'an exchange name');
const parseRoutingKey = (value: unknown): string => requireString(value, 'a routing key');

function parsePriority(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 9) {
    throw new ScheduleError(`must be an integer 0-9, got ${describeType(value)}`);
  }
  return value as number;
}

function parseCompression(value: unknown): 'zlib' {
  if (value !== 'zlib') throw new ScheduleError(`must be "zlib", got ${describeType(value)}`);
  return value;
}

/** Seconds after sending, or an ISO instant with its offset (kept as written, validated here). */
function parseExpires(value: unknown): number | string {
  if (typeof value === 'number') {
    if (!(value > 0) || !Number.isFinite(value)) throw new ScheduleError(`must be a positive number of seconds, got ${value}`);
    return value;
  }
  if (typeof value === 'string') {
    parseInstant(value);
    return value;
  }
  throw new ScheduleError(`must be seconds or an ISO-8601 instant with an offset, got ${describeType(value)}`);
}

/** The file form of an entry (what a schedule file or `export` holds); parseEntry reads it back unchanged. */
export function entryToRaw(entry: Entry): Record<string, unknown> {
  const raw: Record<string, unknown> = { task: entry.task, schedule: entry.scheduleValue };
  const { schedule } = entry;
  // Pin the zone a cron schedule was resolved in (file's, beat's or UTC), so the entry means the
  // same in any file or store it is imported into.
  const timezone = entry.timezone ?? (schedule.kind === 'cron' && !hasOwnZone(entry.scheduleValue) ? schedule.timezone : undefined);
  assignDefined(raw, {
    args: entry.args.length ? entry.args : undefined,
    kwargs: Object.keys(entry.kwargs).length ? entry.kwargs : undefined,
    options: Object.keys(entry.options).length ? optionsToRaw(entry.options) : undefined,
    timezone,
    enabled: entry.enabled ? undefined : false,
    description: entry.description,
    start: entry.startMs === undefined ? undefined : formatInstant(entry.startMs),
    end: entry.endMs === undefined ? undefined : formatInstant(entry.endMs),
    limit: entry.limit,
    jitter: entry.jitterMs ? formatDuration(entry.jitterMs) : undefined,
    missed: entry.missed === 'once' ? undefined : entry.missed,
    grace: entry.graceMs === undefined ? undefined : formatDuration(entry.graceMs),
    catchup_limit: entry.catchupLimit === DEFAULT_CATCHUP_LIMIT ? undefined : entry.catchupLimit,
  });
  return raw;
}

function optionsToRaw(options: EntryOptions): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  assignDefined(raw, {
    queue: options.queue,
    exchange: options.exchange,
    routing_key: options.routingKey,
    priority: options.priority,
    expires: options.expires,
    headers: options.headers,
    compression: options.compression,
  });
  return raw;
}

function hasOwnZone(value: unknown): boolean {
  return isMapping(value) && value.timezone !== undefined;
}

/**
 * Names become part of task ids (`<name>\n<instant>`) and log lines, so they must be visible,
 * single-line text.
 */
function checkName(name: string): void {
  if (typeof name !== 'string' || name.trim() === '') throw new ScheduleError('an entry name must be non-empty text');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new ScheduleError('an entry name must not contain control characters or newlines');
}

function field<T>(raw: Raw, key: string, parse: (value: unknown) => T, prefix = ''): T | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  try {
    return parse(value);
  } catch (error) {
    throw error instanceof ScheduleError ? error.at({ field: prefix + key }) : error;
  }
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new ScheduleError(`must be ${what}, got ${describeType(value)}`);
  return value;
}

function requireNonEmpty(value: unknown, what: string): string {
  if (requireString(value, what).trim() === '') throw new ScheduleError(`must be ${what}, got an empty string`);
  return value as string;
}

function requireMapping(value: unknown): Record<string, unknown> {
  if (!isMapping(value)) throw new ScheduleError(`must be a mapping, got ${describeType(value)}`);
  return value;
}

function positiveInteger(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw new ScheduleError(`must be a positive integer, got ${describeType(value)}`);
  return value as number;
}

function isMapping(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Copies only the defined values, so optional fields stay absent rather than `undefined`. */
function assignDefined<T extends object>(target: T, values: Partial<T>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}
