/** Flags and helpers every store command shares: where the store is, JSON output, result backend, beat state. */
import { Option, type Command } from 'commander';
import { existsSync } from 'node:fs';
import type { EntryState } from '../../beat/interfaces.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_STORE } from '../../store/defaults.js';
import type { ScheduleStore } from '../../store/store.js';
import type { ResultBackend } from '../../worker/backends/types.js';
import { DEFAULT_BROKER_URL } from '../beat.js';

export interface StoreFlags {
  store?: string;
  json?: boolean;
}

/** `--store` (every store command) and, for commands that print, `--json`. */
export function addStoreOptions(command: Command, { json }: { json: boolean }): Command {
  command.addOption(new Option('--store <path|url>', `the schedule store: a SQLite file path or sqlite:/// URL (default ./${DEFAULT_STORE})`).env('CELERIAC_STORE'));
  if (json) command.option('--json', 'print JSON, for scripts');
  return command;
}

/**
 * Runs `work` on the store the flags name, closing it afterwards. Only commands that add entries
 * create a store; the others refuse a missing one (most likely a mistyped --store).
 */
export async function withStore<T>(flags: StoreFlags, work: (store: ScheduleStore) => T | Promise<T>, { create = false } = {}): Promise<T> {
  // The store (SQLite) and the URL rules (every broker driver) load only when a store command runs.
  const [{ storePath }, { ScheduleStore }] = await Promise.all([import('../../store/location.js'), import('../../store/store.js')]);
  const path = storePath(flags.store ?? DEFAULT_STORE);
  if (!create && !existsSync(path)) throw new UsageError(`no schedule store at ${path} (give --store, or add entries first)`);
  const store = ScheduleStore.open(path);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}

/** Prints JSON under --json, else the text. */
export function print(flags: StoreFlags, json: unknown, text: () => string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(json, null, 2)}\n` : text());
}

export interface InspectFlags extends StoreFlags {
  broker?: string;
  state?: string;
  resultBackend?: string;
}

/** `--broker` (where beat keeps its state, for next runs) and `--result-backend` (run states), for list and show. */
export function addInspectOptions(command: Command): Command {
  return command
    .addOption(new Option('--broker <url>', `beat's broker, where it keeps entry state for next runs (default ${DEFAULT_BROKER_URL})`).env('CELERIAC_BROKER_URL'))
    .addOption(new Option('-s, --state <path>', "beat's --state file, where it keeps entry state on RabbitMQ (default ./celeriac.db)").env('CELERIAC_STATE'))
    .addOption(new Option('--result-backend <url>', 'where workers store results, for run states (redis:// or sqlite:///)').env('CELERIAC_RESULT_BACKEND'));
}

/**
 * Beat's persisted state of the entries, when it can be read; otherwise next runs are computed as
 * if beat saw the entries now, and a warning says why.
 */
export async function beatStatesOrNone(flags: InspectFlags, names: string[]): Promise<Map<string, EntryState>> {
  try {
    // Redis and the result backends load only for the commands that read them.
    const { readBeatStates } = await import('../../store/beat-states.js');
    return await readBeatStates(flags.broker ?? DEFAULT_BROKER_URL, names, { statePath: flags.state });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    process.stderr.write(`celeriac: warning: ${(error as Error).message}; next runs are computed from now\n`);
    return new Map();
  }
}

/** Runs `work` with the result backend the flags name (null without one), closing it afterwards. */
export async function withResultBackend<T>(flags: InspectFlags, work: (backend: ResultBackend | null) => Promise<T>): Promise<T> {
  const backend = flags.resultBackend ? (await import('../../worker/backends/create.js')).createResultBackend(flags.resultBackend) : null;
  try {
    return await work(backend);
  } finally {
    await backend?.close();
  }
}
