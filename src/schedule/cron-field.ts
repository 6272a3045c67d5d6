/**
 * One cron field's list syntax, shared by cron strings and Celery crontab objects: comma-separated
 * items, each `*`, a value, a range `a-b`, optionally with a step (`*\/15`, `10-50/5`, `5/10`).
 * Values are numbers or (months, weekdays) English names, case-insensitive.
 */
import { ScheduleError } from '../errors.js';
import { MONTH_NAMES, WEEKDAY_NAMES } from './cron-calendar.js';
import { BoundedCache } from './cron-cache.js';

export interface CronFieldSpec {
  /** How errors name the field: `minute`, `day-of-week`, `day_of_week`. */
  label: string;
  min: number;
  max: number;
  /** Values repeat with this period (day of week: 7, as 7 is Sunday again): they are folded into it,
   * and a wrapping range turns at cycle - 1. */
  cycle?: number;
  /** Lower-case names (`jan`, `january`) and their values. */
  names?: ReadonlyMap<string, number>;
  namesKind?: string;
}

export interface FieldListOptions {
  /** `22-2` wraps past the maximum (Celery's crontab) instead of being an error (Vixie cron). */
  wrapRanges: boolean;
}

function namesOf(fullNames: readonly string[], firstValue: number): ReadonlyMap<string, number> {
  const names = new Map<string, number>();
  fullNames.forEach((name, index) => {
    names.set(name.toLowerCase(), index + firstValue);
    names.set(name.slice(0, 3).toLowerCase(), index + firstValue);
  });
  return names;
}

export const SECOND: CronFieldSpec = { label: 'second', min: 0, max: 59 };
export const MINUTE: CronFieldSpec = { label: 'minute', min: 0, max: 59 };
export const HOUR: CronFieldSpec = { label: 'hour', min: 0, max: 23 };
export const DAY_OF_MONTH: CronFieldSpec = { label: 'day-of-month', min: 1, max: 31 };
export const MONTH: CronFieldSpec = { label: 'month', min: 1, max: 12, names: namesOf(MONTH_NAMES, 1), namesKind: 'month' };
/** 0 and 7 are Sunday. */
export const DAY_OF_WEEK: CronFieldSpec = {
  label: 'day-of-week', min: 0, max: 7, cycle: 7, names: namesOf(WEEKDAY_NAMES, 0), namesKind: 'weekday',
};

const lists = new BoundedCache<readonly number[]>(10_000);

/** A whole plain field: the sorted values of all its items (frozen, shared by equal texts). */
export function parseList(text: string, spec: CronFieldSpec, options: FieldListOptions): readonly number[] {
  return lists.get(`${spec.label} ${options.wrapRanges} ${text}`, () => {
    const values = listItems(text, spec).flatMap((item) => expandItem(item, text, spec, options));
    return Object.freeze(sortedUnique(spec.cycle ? values.map((value) => value % spec.cycle!) : values));
  });
}

/** A field's list items; an empty item (`1,,2`) is an error. */
export function listItems(text: string, spec: CronFieldSpec): string[] {
  const items = text.split(',');
  if (items.some((item) => item === '')) {
    throw new ScheduleError(`${spec.label} field "${text}" has an empty list item`);
  }
  return items;
}

/** Whether a field's text leaves it unrestricted for the day and fixed-time rules (starts with `*`). */
export function startsWithWildcard(text: string): boolean {
  return text.startsWith('*');
}

/** The values of one list item: `*`, `n`, `a-b`, each with an optional `/step`. */
export function expandItem(item: string, fieldText: string, spec: CronFieldSpec, options: FieldListOptions): number[] {
  const slash = item.indexOf('/');
  const base = slash < 0 ? item : item.slice(0, slash);
  const step = slash < 0 ? 1 : parseStep(item.slice(slash + 1), fieldText, spec);
  if (base === '*') return steppedRange(spec.min, spec.max, step, item, spec, options);
  const dash = base.indexOf('-', 1);
  const from = parseValue(dash < 0 ? base : base.slice(0, dash), fieldText, spec);
  // `5/10` runs from 5 to the maximum; a bare `5` is just itself.
  if (dash < 0) return slash < 0 ? [from] : steppedRange(from, spec.max, step, item, spec, options);
  return steppedRange(from, parseValue(base.slice(dash + 1), fieldText, spec), step, item, spec, options);
}

/** from, from + step, ... up to `to`; a range ending below its start wraps (Celery) or is an error (cron). */
function steppedRange(from: number, to: number, step: number, item: string, spec: CronFieldSpec, options: FieldListOptions): number[] {
  const values: number[] = [];
  if (from <= to) {
    for (let value = from; value <= to; value += step) values.push(value);
    return values;
  }
  if (!options.wrapRanges) {
    throw new ScheduleError(`${spec.label} range "${item}" runs backwards (${from} is after ${to})`);
  }
  // Celery's crontab_parser: from `from` up to the turn, then from the minimum to `to`, stepping
  // along the whole wrapped sequence.
  const turn = spec.cycle ? spec.cycle - 1 : spec.max;
  const cycle = turn - spec.min + 1;
  const length = turn - from + 1 + (to - spec.min + 1);
  for (let index = 0; index < length; index += step) {
    const value = from + index;
    values.push(value <= turn ? value : value - cycle);
  }
  return values;
}

function parseStep(text: string, fieldText: string, spec: CronFieldSpec): number {
  const span = spec.max - spec.min + 1;
  const step = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(step >= 1 && step <= span)) {
    throw new ScheduleError(`${spec.label} field "${fieldText}": step "${text}" must be a whole number from 1 to ${span}`);
  }
  return step;
}

/** A number or a name, checked against the field's range. */
export function parseValue(text: string, fieldText: string, spec: CronFieldSpec): number {
  const value = /^\d+$/.test(text) ? Number(text) : spec.names?.get(text.toLowerCase());
  if (value === undefined) {
    const kinds = spec.namesKind ? `a number or a ${spec.namesKind} name` : 'a number';
    throw new ScheduleError(`${spec.label} field "${fieldText}": "${text}" is not ${kinds}`);
  }
  if (value < spec.min || value > spec.max) {
    throw new ScheduleError(`${spec.label} ${value} is out of range ${spec.min}-${spec.max}`);
  }
  return value;
}

/** Sorted, without duplicates (every cron value is below 64). */
export function sortedUnique(values: readonly number[]): number[] {
  const seen = new Uint8Array(64);
  for (const value of values) seen[value] = 1;
  const sorted: number[] = [];
  for (let value = 0; value < 64; value++) if (seen[value]) sorted.push(value);
  return sorted;
}
