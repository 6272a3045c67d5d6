/**
 * The cron engine's entry points: compile cron text, find the next run, describe it.
 * A schedule that can never run (`0 0 30 2 *`) is a compile error, so nextCron only returns null
 * when the search runs off the end of the Date range (year 275759).
 */
import type { CronSchedule } from './types.js';
import { checkedAndFrozen, compiledOnce } from './cron-compiled.js';
import { parseCronText } from './cron-parse.js';
import { assertZone } from './zone.js';

export { nextCron } from './cron-next.js';
export { describeCron } from './cron-describe.js';

/** A cron string (5 fields, 6 with seconds first, or a macro such as `@daily`) read in `timezone`. */
export function compileCron(text: string, timezone: string): CronSchedule {
  const zone = assertZone(timezone);
  const compiled = compiledOnce(`cron ${text}`, () => checkedAndFrozen(parseCronText(text), `cron "${text}"`));
  return { kind: 'cron', ...compiled, timezone: zone };
}
