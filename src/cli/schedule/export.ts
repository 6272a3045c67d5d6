/** `celeriac schedule export`: the store as a schedule file, which `import` and beat read back unchanged. */
import { Option, type Command } from 'commander';
import YAML from 'yaml';
import { addStoreOptions, withStore, type StoreFlags } from './store-flags.js';

interface ExportFlags extends StoreFlags {
  format: 'yaml' | 'json';
}

export function registerExportCommand(schedule: Command): void {
  const command = schedule
    .command('export')
    .description('print the schedule store as a schedule file (for import, beat --schedules, or version control)')
    .addOption(new Option('--format <format>', 'yaml or json').choices(['yaml', 'json']).default('yaml'));
  addStoreOptions(command, { json: false })
    .action(async (flags: ExportFlags) => {
      const rows = await withStore(flags, (store) => store.list());
      // Each entry carries its own zone (the store pins it), so the file needs no top-level timezone.
      const document = { entries: Object.fromEntries(rows.map((row) => [row.name, row.raw])) };
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : YAML.stringify(document));
    });
}
