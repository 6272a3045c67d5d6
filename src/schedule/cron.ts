/**
 * The cron engine's entry points: compile cron text, find the next run, describe it.
 * A schedule that can never run (`0 0 30 2 *`) is a compile error, so nextCron only returns null
 * when the search runs off the end of the Date range (year 275759).
 */
import { ScheduleError } from '../errors.js';
import type { CronSchedule } from './types.js';
import { MONTH_NAMES } from './cron-calendar.js';
import { matcherFor } from './cron-matcher.js';
import { parseCronText } from './cron-parse.js';
import { assertZone } from './zone.js';

export { nextCron } from './cron-next.js';
export { describeCron } from './cron-describe.js';

/** A cron string (5 fields, 6 with seconds first, or a macro such as `@daily`) read in `timezone`. */
export function compileCron(text: string, timezone: string): CronSchedule {
  const parsed = parseCronText(text);
  return checkRuns(
    {
      kind: 'cron',
      syntax: 'cron',
      expression: parsed.expression,
      timezone: assertZone(timezone),
      fixedTime: parsed.fixedTime,
      fields: parsed.fields,
    },
    `cron "${text}"`,
  );
}

/**
 * Builds the schedule's matcher (so the first nextCron pays nothing) and rejects fields that match
 * no day in any year, such as the 30th of February. `what` names the schedule in the error.
 */
export function checkRuns(schedule: CronSchedule, what: string): CronSchedule {
  if (!matcherFor(schedule).everMatches()) {
    const months = schedule.fields.months.map((month) => MONTH_NAMES[month - 1]);
    const dayFields = schedule.syntax === 'cron' ? 'its day fields' : 'both day_of_month and day_of_week';
    throw new ScheduleError(`${what} never runs: no day in ${months.join(' or ')} matches ${dayFields}`);
  }
  return schedule;
}
