/**
 * Compiled cron text, apart from its zone, shared by every schedule written the same way: entries
 * sharing an expression share its frozen fields and their matcher, which keeps compiling 100,000
 * entries fast and their memory small.
 */
import { ScheduleError } from '../errors.js';
import type { CronFields, CronSchedule } from './types.js';
import { MONTH_NAMES } from './cron-calendar.js';
import { BoundedCache } from './cron-cache.js';
import { matcherFor } from './cron-matcher.js';

export type CompiledCron = Pick<CronSchedule, 'syntax' | 'expression' | 'fixedTime' | 'fields'>;

/** Under 1 KB each (field lists are shared too), so at most some 20 MB. */
const compiledTexts = new BoundedCache<CompiledCron>(20_000);

/** `compile()`'s result for `key` (the syntax and text), computed once while remembered. */
export function compiledOnce(key: string, compile: () => CompiledCron): CompiledCron {
  return compiledTexts.get(key, compile);
}

/**
 * Builds the matcher (so the first nextCron pays nothing), rejects fields that match no day in any
 * year, such as the 30th of February (`what` names the schedule in the error), and freezes the
 * fields so schedules can share them.
 */
export function checkedAndFrozen(compiled: CompiledCron, what: string): CompiledCron {
  const { fields, syntax } = compiled;
  if (!matcherFor(fields, syntax).everMatches()) {
    const months = fields.months.map((month) => MONTH_NAMES[month - 1]);
    const dayFields = syntax === 'cron' ? 'its day fields' : 'both day_of_month and day_of_week';
    throw new ScheduleError(`${what} never runs: no day in ${months.join(' or ')} matches ${dayFields}`);
  }
  deepFreeze(fields);
  return Object.freeze(compiled);
}

function deepFreeze(fields: CronFields): void {
  for (const value of Object.values(fields)) {
    if (!Array.isArray(value)) continue;
    for (const item of value) if (Array.isArray(item)) Object.freeze(item);
    Object.freeze(value);
  }
  Object.freeze(fields);
}
