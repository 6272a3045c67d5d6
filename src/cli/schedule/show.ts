/** `celeriac schedule show NAME`: an entry's definition, its next runs and how its last runs went. */
import type { Command } from 'commander';
import YAML from 'yaml';
import { UsageError } from '../../errors.js';
import { describeSchedule } from '../../schedule/describe.js';
import type { Entry } from '../../schedule/entry-types.js';
import { runStatuses, type RunStatus } from '../../store/run-status.js';
import type { StoreRow } from '../../store/store.js';
import { upcomingRuns } from '../../store/upcoming.js';
import { systemClock } from '../../util/clock.js';
import { entryZone, formatTable, formatTime } from './format.js';
import { addInspectOptions, addStoreOptions, beatStatesOrNone, print, withResultBackend, withStore, type InspectFlags } from './store-flags.js';

const NEXT_RUNS = 5;
const LAST_RUNS = 20;
/** Results and errors are cut to this many characters in the table (--json has them whole). */
const OUTCOME_WIDTH = 80;

export function registerShowCommand(schedule: Command): void {
  const command = schedule
    .command('show')
    .description(`show an entry of the schedule store: its definition, next ${NEXT_RUNS} runs and last ${LAST_RUNS} runs`)
    .argument('<name>', 'the entry name');
  addInspectOptions(addStoreOptions(command, { json: true }))
    .action(async (name: string, flags: InspectFlags) => {
      const { row, entry, runs } = await withStore(flags, (store) => {
        const stored = store.get(name);
        if (!stored) throw new UsageError(`no entry "${name}" in the schedule store ${store.path}`);
        return { row: stored, entry: store.parse(stored), runs: store.history.recent(name, LAST_RUNS) };
      });
      const nowMs = systemClock.now();
      const states = await beatStatesOrNone(flags, [name]);
      const next = upcomingRuns(entry, states.get(name), nowMs, NEXT_RUNS);
      const statuses = await withResultBackend(flags, (backend) => runStatuses(runs, backend));
      const shown: Shown = { row, entry, next, runs: statuses };
      print(flags, toJson(shown), () => formatShown(shown));
    });
}

interface Shown {
  row: StoreRow;
  entry: Entry;
  next: number[];
  runs: RunStatus[];
}

function toJson({ row, entry, next, runs }: Shown): unknown {
  return {
    name: entry.name,
    entry: row.raw,
    enabled: entry.enabled,
    scheduleText: describeSchedule(entry.schedule),
    timezone: entryZone(entry) === '-' ? null : entryZone(entry),
    createdAt: formatTime(row.createdAtMs),
    updatedAt: formatTime(row.updatedAtMs),
    nextRuns: next.map(formatTime),
    runs: runs.map((run) => ({
      occurrence: formatTime(run.occurrenceMs),
      sentAt: formatTime(run.sentAtMs),
      taskId: run.taskId,
      manual: run.manual,
      state: run.state,
      finishedAt: run.finishedAtMs === null ? null : formatTime(run.finishedAtMs),
      durationSeconds: run.durationSeconds,
      ...('result' in run ? { result: run.result } : {}),
      ...(run.error === undefined ? {} : { error: run.error }),
    })),
  };
}

function formatShown({ row, entry, next, runs }: Shown): string {
  const facts: Array<[string, string]> = [
    ['name', entry.name],
    ['task', entry.task],
    ['schedule', describeSchedule(entry.schedule)],
    ['zone', entryZone(entry)],
    ['enabled', entry.enabled ? 'yes' : 'no'],
    ...(entry.description === undefined ? [] : [['description', entry.description] as [string, string]]),
    ['created', formatTime(row.createdAtMs)],
    ['updated', formatTime(row.updatedAtMs)],
  ];
  const width = Math.max(...facts.map(([label]) => label.length));
  const lines = facts.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  lines.push('', 'definition:', ...YAML.stringify(row.raw).trimEnd().split('\n').map((line) => `  ${line}`));
  lines.push('', `next ${NEXT_RUNS} runs:`, ...(next.length ? next.map((ms) => `  ${formatTime(ms)}`) : [`  ${entry.enabled ? 'none: the schedule has ended' : 'none: disabled'}`]));
  lines.push('', `last ${LAST_RUNS} runs (newest first):`);
  if (runs.length === 0) return `${lines.join('\n')}\n  none yet\n`;
  const table = formatTable(
    ['OCCURRENCE', 'SENT AT', 'TASK ID', 'STATE', 'FINISHED', 'DURATION', 'RESULT OR ERROR'],
    runs.map((run) => [
      `${formatTime(run.occurrenceMs)}${run.manual ? ' (manual)' : ''}`,
      formatTime(run.sentAtMs),
      run.taskId,
      run.state ?? '?',
      formatTime(run.finishedAtMs),
      run.durationSeconds === null ? '-' : formatRunTime(run.durationSeconds),
      outcome(run),
    ]),
  );
  return `${lines.join('\n')}\n${table.replace(/^/gm, '  ')}`;
}

/** Milliseconds under a second (most tasks), else seconds. */
function formatRunTime(seconds: number): string {
  return seconds < 1 ? `${(seconds * 1000).toFixed(1)}ms` : `${seconds.toFixed(3)}s`;
}

function outcome(run: RunStatus): string {
  const text = run.error ?? ('result' in run ? JSON.stringify(run.result) ?? 'undefined' : '-');
  return text.length > OUTCOME_WIDTH ? `${text.slice(0, OUTCOME_WIDTH - 1)}…` : text;
}
