/** `celeriac schedule edit NAME`: change only the fields given. */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { entryToRaw, parseEntry } from '../../schedule/entry.js';
import type { Entry } from '../../schedule/entry-types.js';
import { addEntryOptions, applyEntryFlags, unsetFields, type EntryFlags } from './entry-flags.js';
import { describeEntry } from './format.js';
import { addStoreOptions, print, withStore, type StoreFlags } from './store-flags.js';

interface EditFlags extends EntryFlags, StoreFlags {
  unset: string[];
}

export function registerEditCommand(schedule: Command): void {
  const command = schedule
    .command('edit')
    .description('change fields of an entry in the schedule store; the others stay as they are')
    .argument('<name>', 'the entry name')
    .option('--unset <field>', 'clear a field, e.g. description or options.queue (repeatable)', (field: string, fields: string[]) => [...fields, field], []);
  addStoreOptions(addEntryOptions(command), { json: true })
    .action(async (name: string, flags: EditFlags) => {
      if (!hasChanges(flags)) throw new UsageError('edit: nothing to change: give fields as flags, --entry or --unset');
      let edited: Entry | undefined;
      // Read, changed and written in one transaction: a concurrent edit of another field is kept.
      const changed = await withStore(flags, (store) =>
        store.edit(name, (current) => {
          edited = parseEntry(name, applyEntryFlags(unsetFields(name, current.raw, flags.unset), flags), { source: 'store' });
          return edited;
        }),
      );
      const entry = edited!;
      print(flags, { name, changed, entry: entryToRaw(entry) }, () => `${changed ? 'changed' : 'unchanged'} ${describeEntry(entry)}\n`);
    });
}

function hasChanges(flags: EditFlags): boolean {
  const { store: _store, json: _json, unset, ...fields } = flags;
  return unset.length > 0 || Object.values(fields).some((value) => value !== undefined);
}
