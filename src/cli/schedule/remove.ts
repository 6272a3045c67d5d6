/** `celeriac schedule remove NAME`: delete an entry (and its run history) from the store. */
import type { Command } from 'commander';
import { addStoreOptions, print, withStore, type StoreFlags } from './store-flags.js';

export function registerRemoveCommand(schedule: Command): void {
  const command = schedule
    .command('remove')
    .description('remove an entry and its run history from the schedule store')
    .argument('<name>', 'the entry name');
  addStoreOptions(command, { json: true })
    .action(async (name: string, flags: StoreFlags) => {
      await withStore(flags, (store) => store.remove(name));
      print(flags, { name, removed: true }, () => `removed "${name}"\n`);
    });
}
