/** `celeriac schedule list`: every entry of the store with its next run and how its last run went. */
import type { Command } from 'commander';
import { ScheduleError } from '../../errors.js';
import { describeSchedule } from '../../schedule/describe.js';
import type { Entry } from '../../schedule/entry-types.js';
import { runStatuses, type RunStatus } from '../../store/run-status.js';
import type { ScheduleStore, StoreRow } from '../../store/store.js';
import { upcomingRuns } from '../../store/upcoming.js';
import { systemClock } from '../../util/clock.js';
import { entryZone, formatTable, formatTime } from './format.js';
import { addInspectOptions, addStoreOptions, beatStatesOrNone, print, withResultBackend, withStore, type InspectFlags } from './store-flags.js';

export function registerListCommand(schedule: Command): void {
  const command = schedule
    .command('list')
    .description('list the entries of the schedule store: schedule, next run, last run and its state');
  addInspectOptions(addStoreOptions(command, { json: true }))
    .action(async (flags: InspectFlags) => {
      const { entries, latest } = await withStore(flags, (store) => ({
        entries: store.list().flatMap((row) => validEntry(store, row)),
        latest: store.history.latest(),
      }));
      const nowMs = systemClock.now();
      const states = await beatStatesOrNone(flags, entries.map((entry) => entry.name));
      const statuses = await withResultBackend(flags, (backend) => runStatuses([...latest.values()], backend));
      const lastRuns = new Map(statuses.map((status) => [status.name, status]));
      const listed = entries.map((entry) => ({ entry, next: upcomingRuns(entry, states.get(entry.name), nowMs, 1)[0] ?? null, last: lastRuns.get(entry.name) ?? null }));
      print(flags, listed.map(toJson), () => formatList(listed));
    });
}

interface Listed {
  entry: Entry;
  next: number | null;
  last: RunStatus | null;
}

/** A row that no longer validates is reported and left out, so one bad row never hides the rest. */
function validEntry(store: ScheduleStore, row: StoreRow): Entry[] {
  try {
    return [store.parse(row)];
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    process.stderr.write(`celeriac: warning: ${error.message}\n`);
    return [];
  }
}

function toJson({ entry, next, last }: Listed): unknown {
  return {
    name: entry.name,
    task: entry.task,
    schedule: entry.scheduleValue,
    scheduleText: describeSchedule(entry.schedule),
    timezone: entryZone(entry) === '-' ? null : entryZone(entry),
    enabled: entry.enabled,
    nextRun: next === null ? null : formatTime(next),
    lastRun: last === null ? null : formatTime(last.occurrenceMs),
    lastState: last?.state ?? null,
  };
}

function formatList(listed: Listed[]): string {
  if (listed.length === 0) return 'the schedule store has no entries\n';
  return formatTable(
    ['NAME', 'TASK', 'SCHEDULE', 'ZONE', 'ENABLED', 'NEXT RUN', 'LAST RUN', 'LAST STATE'],
    listed.map(({ entry, next, last }) => [
      entry.name,
      entry.task,
      describeSchedule(entry.schedule),
      entryZone(entry),
      entry.enabled ? 'yes' : 'no',
      formatTime(next),
      formatTime(last?.occurrenceMs),
      last === null ? '-' : last.state ?? '?',
    ]),
  );
}
