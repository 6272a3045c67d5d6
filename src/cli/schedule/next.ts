/** `celeriac schedule next`: the next runs of a schedule value, to try one out before using it. */
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import YAML from 'yaml';
import { ScheduleError, UsageError } from '../../errors.js';
import { describeSchedule } from '../../schedule/describe.js';
import { parseInstant } from '../../schedule/instant.js';
import { nextRuns } from '../../schedule/next.js';
import { parseSchedule } from '../../schedule/parse.js';
import type { Schedule } from '../../schedule/types.js';
import { assertZone } from '../../schedule/zone.js';
import { systemClock } from '../../util/clock.js';

const MAX_COUNT = 10_000;

interface NextOptions {
  schedule: string;
  timezone?: string;
  after?: string;
  count: string;
  json?: boolean;
}

export function registerNextCommand(schedule: Command): void {
  schedule
    .command('next')
    .description('print the next runs of a schedule value (nothing is sent)')
    .requiredOption('--schedule <value>', 'a schedule value: JSON or YAML text, a cron string, a duration or seconds')
    .option('--timezone <zone>', 'zone of the schedule when the value has none of its own (default UTC)')
    .option('--after <iso>', 'the last run, an ISO-8601 instant with Z or an offset (default now)')
    .option('--count <n>', 'how many runs to print', '5')
    .option('--json', 'print a JSON array of ISO-8601 UTC instants')
    .action((options: NextOptions) => {
      const timezone = options.timezone === undefined ? undefined : flag('--timezone', () => assertZone(options.timezone as string));
      const parsed = parseScheduleFlag(options.schedule, timezone);
      const afterMs = options.after === undefined ? systemClock.now() : flag('--after', () => parseInstant(options.after));
      const runs = nextRuns(parsed, afterMs, parseCount(options.count));
      if (runs.length === 0) {
        throw new UsageError(`--schedule: ${describeSchedule(parsed)} has no run after ${new Date(afterMs).toISOString()}`);
      }
      process.stdout.write(options.json ? `${JSON.stringify(runs.map(iso))}\n` : formatRuns(parsed, timezone ?? 'UTC', afterMs, runs, Number(options.count)));
    });
}

/** `--schedule` holds JSON or YAML text, or a bare cron string / duration / number taken as is. */
export function readScheduleFlag(text: string): unknown {
  const trimmed = text.trim();
  const structured = /^[{["']/.test(trimmed) || /^[A-Za-z_][\w-]*\s*:(\s|$)/.test(trimmed);
  if (!structured) return trimmed;
  try {
    return YAML.parse(trimmed);
  } catch (error) {
    const firstLine = (error as Error).message.split('\n')[0] ?? '';
    throw new UsageError(`--schedule: not valid JSON or YAML: ${firstLine}`);
  }
}

function parseScheduleFlag(text: string, timezone: string | undefined): Schedule {
  const value = readScheduleFlag(text);
  try {
    return parseSchedule(value, { timezone });
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    const key = error.where.field?.replace(/^schedule\.?/, '');
    throw new UsageError(`--schedule: ${key ? `${key}: ` : ''}${error.detail}`);
  }
}

function flag<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw error instanceof ScheduleError ? new UsageError(`${name}: ${error.detail}`) : error;
  }
}

function parseCount(text: string): number {
  const count = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(count >= 1 && count <= MAX_COUNT)) throw new UsageError(`--count: must be a whole number from 1 to ${MAX_COUNT}, got "${text}"`);
  return count;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Each run in the schedule's zone and in UTC, under the schedule in words. */
function formatRuns(schedule: Schedule, defaultZone: string, afterMs: number, runs: number[], count: number): string {
  const zone = schedule.kind === 'cron' ? schedule.timezone : defaultZone;
  const withMs = runs.some((ms) => ms % 1000 !== 0);
  const pattern = `ccc yyyy-MM-dd HH:mm:ss${withMs ? '.SSS' : ''} ZZ`;
  const lines = [
    `${describeSchedule(schedule)}`,
    `next ${runs.length === 1 ? 'run' : `${runs.length} runs`} after ${iso(afterMs)} (${zone === 'UTC' ? 'UTC' : `${zone}, then UTC`}):`,
    ...runs.map((ms) => `  ${DateTime.fromMillis(ms, { zone, locale: 'en-US' }).toFormat(pattern)}  ${iso(ms)}`),
  ];
  if (runs.length < count) lines.push('no more runs: the schedule ends there');
  return `${lines.join('\n')}\n`;
}
