/**
 * Durations as people write them in schedule files: `30s`, `1h30m`, `1h 30m`, `1.5h`, `500ms`,
 * ISO-8601 `PT15M` / `P1DT2H` / `P2W`, or a bare number of seconds. Used for interval schedules and
 * for the entry fields `jitter` and `grace`. Everything is in milliseconds.
 */
import { Duration } from 'luxon';
import { ScheduleError } from '../errors.js';

const UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;
type Unit = keyof typeof UNIT_MS;

const NUMBER = String.raw`(?:\d+(?:\.\d*)?|\.\d+)`;
const SECONDS_TEXT = new RegExp(String.raw`^[+-]?${NUMBER}$`);
const PART = new RegExp(String.raw`(${NUMBER})\s*(ms|s|m|h|d|w)(?![a-z])`, 'y');
const UNIT_TOKEN = new RegExp(String.raw`^(?:${NUMBER}(?:ms|s|m|h|d|w))+$`);

const EXPECTED =
  'expected a number with a unit ms, s, m, h, d or w (30s, 1h30m, 1.5h, 500ms), ' +
  'an ISO-8601 duration (PT15M, P1DT2H), or a number of seconds';

/**
 * Milliseconds of a positive duration given as a number of seconds or as duration text.
 * `what` names the quantity in errors ("interval must be positive"); `orElse` adds what else the
 * caller would have accepted to the "expected ..." of a malformed value.
 */
export function parseDuration(value: unknown, what = 'duration', orElse = ''): number {
  const expected = orElse ? `${EXPECTED}, or ${orElse}` : EXPECTED;
  if (typeof value === 'number') return checkedPositive(value * 1000, String(value), what);
  if (typeof value !== 'string') {
    throw new ScheduleError(`${expected}; got ${describeType(value)}`);
  }
  const text = value.trim();
  if (SECONDS_TEXT.test(text)) return checkedPositive(Number(text) * 1000, value, what);
  if (/^p/i.test(text)) return checkedPositive(parseIsoDuration(text, value, expected), value, what);
  return checkedPositive(parseUnitDuration(text, value, expected), value, what);
}

/** True when a string can only be meant as a duration, never as a cron expression. */
export function looksLikeDuration(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.startsWith('@')) return false;
  // Cron needs 5 or 6 fields; a shorter string is a duration (or a mistake best reported as one).
  const tokens = trimmed.split(/\s+/);
  if (tokens.length < 5) return true;
  return tokens.every((token) => UNIT_TOKEN.test(token));
}

function parseUnitDuration(text: string, original: string, expected: string): number {
  let total = 0;
  const seen = new Set<Unit>();
  let position = 0;
  while (position < text.length) {
    PART.lastIndex = position;
    const match = PART.exec(text);
    if (!match) throw new ScheduleError(`malformed duration "${original}": ${expected}`);
    const unit = match[2] as Unit;
    if (seen.has(unit)) throw new ScheduleError(`malformed duration "${original}": unit "${unit}" appears twice`);
    seen.add(unit);
    total += Number(match[1]) * UNIT_MS[unit];
    position = PART.lastIndex;
    while (text[position] === ' ') position++;
  }
  if (seen.size === 0) throw new ScheduleError(`malformed duration "${original}": ${expected}`);
  return total;
}

function parseIsoDuration(text: string, original: string, expected: string): number {
  const duration = Duration.fromISO(text.toUpperCase());
  if (!duration.isValid) throw new ScheduleError(`malformed ISO-8601 duration "${original}": ${expected}`);
  const { years = 0, quarters = 0, months = 0 } = duration.toObject();
  if (years || quarters || months) {
    throw new ScheduleError(
      `duration "${original}" uses months or years, which have no fixed length: use a cron expression instead`,
    );
  }
  return duration.toMillis();
}

/**
 * Intervals are whole milliseconds (every instant in celeriac is), and positive. A value like
 * 1.1 s arrives as 1100.0000000000002 ms, so tolerate float noise before demanding a whole number.
 */
export function checkedPositive(ms: number, original: string, what: string): number {
  if (!Number.isFinite(ms)) throw new ScheduleError(`${what} "${original}" is not a finite number`);
  if (ms <= 0) throw new ScheduleError(`${what} must be positive, got ${original}`);
  const whole = Math.round(ms);
  if (Math.abs(ms - whole) > 1e-6 || whole === 0) {
    throw new ScheduleError(`${what} ${original} is not a whole number of milliseconds`);
  }
  return whole;
}

/** Short text for a duration: `1h30m`, `2.5s`, `500ms`, `1w2d`. Parses back to the same value. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  let rest = ms;
  let text = '';
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    const count = Math.floor(rest / UNIT_MS[unit]);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * UNIT_MS[unit];
  }
  if (rest > 0) text += `${rest / 1000}s`;
  return text;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return `${typeof value} ${String(value)}`;
}
