/** `celeriac schedule add NAME`: a new entry in the store. */
import type { Command } from 'commander';
import { entryToRaw, parseEntry } from '../../schedule/entry.js';
import { addEntryOptions, applyEntryFlags, type EntryFlags } from './entry-flags.js';
import { describeEntry } from './format.js';
import { addStoreOptions, print, withStore, type StoreFlags } from './store-flags.js';

export function registerAddCommand(schedule: Command): void {
  const command = schedule
    .command('add')
    .description('add an entry to the schedule store (a name already there is an error: use edit)')
    .argument('<name>', 'the entry name');
  addStoreOptions(addEntryOptions(command), { json: true })
    .action(async (name: string, flags: EntryFlags & StoreFlags) => {
      // Validated before the store is opened: bad input leaves the store as it was.
      const entry = parseEntry(name, applyEntryFlags({}, flags), { source: 'store' });
      await withStore(flags, (store) => store.add(entry), { create: true });
      print(flags, { name, added: true, entry: entryToRaw(entry) }, () => `added ${describeEntry(entry)}\n`);
    });
}
