/** `celeriac schedule check`: validates schedule files and shows each entry's next run; sends nothing. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { ScheduleError, UsageError } from '../../errors.js';
import { loadScheduleSources } from '../../beat/schedule-files.js';
import { describeSchedule } from '../../schedule/describe.js';
import type { Entry } from '../../schedule/entry-types.js';
import { nextEntryRun } from '../../schedule/next.js';
import { assertZone } from '../../schedule/zone.js';
import { systemClock } from '../../util/clock.js';

const DEFAULT_SOURCE = 'schedules';

export function registerCheckCommand(schedule: Command): void {
  schedule
    .command('check')
    .description(`validate schedule files and print each entry's next run (default ./${DEFAULT_SOURCE}); nothing is sent`)
    .argument('[paths...]', 'schedule files and folders')
    .option('--timezone <zone>', "beat's default zone for files that set none (default UTC)")
    .action(async (paths: string[], options: { timezone?: string }) => {
      const sources = paths.length ? paths : [DEFAULT_SOURCE];
      if (!paths.length && !existsSync(DEFAULT_SOURCE)) throw new UsageError(`no ./${DEFAULT_SOURCE} folder here: name the schedule files or folders to check`);
      const timezone = options.timezone === undefined ? undefined : zoneFlag(options.timezone);
      const loaded = await loadScheduleSources(sources, { timezone });
      const nowMs = systemClock.now();
      for (const file of loaded.files) {
        if (!file.ok) continue;
        process.stdout.write(`${file.file}: ${file.entries.length} ${file.entries.length === 1 ? 'entry' : 'entries'}\n`);
        process.stdout.write(formatEntries(file.entries, nowMs));
      }
      const { errors } = loaded;
      if (errors.length === 0) return;
      // One line per problem; the last one becomes the command's error (exit status 2).
      for (const error of errors.slice(0, -1)) process.stderr.write(`celeriac: ${error.message}\n`);
      throw errors[errors.length - 1];
    });
}

function zoneFlag(zone: string): string {
  try {
    return assertZone(zone);
  } catch (error) {
    throw error instanceof ScheduleError ? new UsageError(`--timezone: ${error.detail}`) : error;
  }
}

/**
 * One aligned line per entry: name, task, schedule in words, next run, and its description as a
 * trailing comment. Beat's state is not read, so an interval's next run is shown as if beat first
 * saw the entry now.
 */
function formatEntries(entries: Entry[], nowMs: number): string {
  const rows = entries.map((entry) => [entry.name, entry.task, describeSchedule(entry.schedule), nextText(entry, nowMs)]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  return rows
    .map((row, i) => {
      const description = entries[i]?.description;
      const cells = description === undefined ? row : [...row, `# ${description}`];
      return `  ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()}\n`;
    })
    .join('');
}

function nextText(entry: Entry, nowMs: number): string {
  if (!entry.enabled) return 'disabled';
  const next = nextEntryRun(entry, nowMs);
  if (next === null) return 'no more runs';
  const firstSeenNow = entry.schedule.kind === 'interval' && entry.startMs === undefined;
  return `next ${new Date(next).toISOString()}${firstSeenNow ? ' (if first seen now)' : ''}`;
}
