/** `celeriac schedule enable NAME` and `disable NAME`: switch an entry on or off without changing it. */
import type { Command } from 'commander';
import { addStoreOptions, print, withStore, type StoreFlags } from './store-flags.js';

export function registerEnableCommands(schedule: Command): void {
  for (const enabled of [true, false]) {
    const verb = enabled ? 'enable' : 'disable';
    const command = schedule
      .command(verb)
      .description(enabled ? 'run an entry of the schedule store again (missed runs of the pause are not caught up)' : 'stop running an entry of the schedule store, keeping it')
      .argument('<name>', 'the entry name');
    addStoreOptions(command, { json: true })
      .action(async (name: string, flags: StoreFlags) => {
        const changed = await withStore(flags, (store) => store.setEnabled(name, enabled));
        print(flags, { name, enabled, changed }, () => `${changed ? `${verb}d` : `already ${verb}d:`} "${name}"\n`);
      });
  }
}
