/** `celeriac schedule import FILE...`: the entries of schedule files into the store, all or none. */
import type { Command } from 'commander';
import { loadScheduleSources } from '../../beat/schedule-files.js';
import { ScheduleError, UsageError } from '../../errors.js';
import { assertZone } from '../../schedule/zone.js';
import { addStoreOptions, print, withStore, type StoreFlags } from './store-flags.js';

interface ImportFlags extends StoreFlags {
  replace?: boolean;
  timezone?: string;
}

export function registerImportCommand(schedule: Command): void {
  const command = schedule
    .command('import')
    .description('add the entries of schedule files to the schedule store (all of them, or none on any error)')
    .argument('<files...>', 'schedule files or folders (YAML or JSON, as beat reads them)')
    .option('--replace', 'overwrite entries whose names are already in the store')
    .option('--timezone <zone>', "the zone of files that set none, as beat's --timezone (default UTC)");
  addStoreOptions(command, { json: true })
    .action(async (files: string[], flags: ImportFlags) => {
      const timezone = flags.timezone === undefined ? undefined : zoneFlag(flags.timezone);
      const loaded = await loadScheduleSources(files, { timezone });
      if (loaded.errors.length > 0) {
        // One line per problem; the last one becomes the command's error (exit status 2).
        for (const error of loaded.errors.slice(0, -1)) process.stderr.write(`celeriac: ${error.message}\n`);
        throw loaded.errors.at(-1);
      }
      const summary = await withStore(flags, (store) => store.import(loaded.entries, { replace: flags.replace }), { create: true });
      print(flags, summary, () => `imported ${loaded.entries.length} ${loaded.entries.length === 1 ? 'entry' : 'entries'}: ${summary.added.length} added, ${summary.replaced.length} replaced\n`);
    });
}

function zoneFlag(zone: string): string {
  try {
    return assertZone(zone);
  } catch (error) {
    throw error instanceof ScheduleError ? new UsageError(`--timezone: ${error.detail}`) : error;
  }
}
