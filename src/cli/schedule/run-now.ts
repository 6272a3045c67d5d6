/** `celeriac schedule run-now NAME --broker URL`: publish an entry's task once, now, as a manual run. */
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { manualRunMessage } from '../../store/manual-run.js';
import { systemClock } from '../../util/clock.js';
import { formatTime } from './format.js';
import { addStoreOptions, print, withStore, type StoreFlags } from './store-flags.js';

interface RunNowFlags extends StoreFlags {
  broker: string;
}

export function registerRunNowCommand(schedule: Command): void {
  const command = schedule
    .command('run-now')
    .description("publish an entry's task once, now, with a fresh task id; recorded in its run history as manual")
    .argument('<name>', 'the entry name')
    .addOption(new Option('--broker <url>', 'the broker to publish to').env('CELERIAC_BROKER_URL').makeOptionMandatory());
  addStoreOptions(command, { json: true })
    .action(async (name: string, flags: RunNowFlags) => {
      const run = await withStore(flags, async (store) => {
        const row = store.get(name);
        if (!row) throw new UsageError(`no entry "${name}" in the schedule store ${store.path}`);
        const entry = store.parse(row);
        const nowMs = systemClock.now();
        const message = manualRunMessage(entry, nowMs);
        const { createBroker } = await import('../../broker/create.js');
        const broker = createBroker(flags.broker);
        try {
          await broker.connect();
          await broker.publish(message);
        } finally {
          await broker.close();
        }
        const record = { name, occurrenceMs: nowMs, sentAtMs: systemClock.now(), taskId: message.headers.id, manual: true };
        store.history.record([record]);
        return { ...record, task: entry.task, queue: message.route.queue };
      });
      print(
        flags,
        { name, taskId: run.taskId, task: run.task, queue: run.queue, sentAt: formatTime(run.sentAtMs) },
        () => `sent ${run.task} for "${name}" to queue ${run.queue}: task id ${run.taskId}\n`,
      );
    });
}
