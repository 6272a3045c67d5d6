/** `celeriac beat`: publish due periodic tasks (cli.md). */
import { Option, type Command } from 'commander';
import { DEFAULT_KEEP_RUNS, DEFAULT_STORE } from '../store/defaults.js';
import { addLogOptions, type LogFlags } from './log-flags.js';

export const DEFAULT_BROKER_URL = 'sqlite:///celeriac.db';

/** The flags beat shares with `worker -B`. */
export interface BeatFlags {
  broker?: string;
  schedules?: string[];
  store?: string;
  keepRuns?: string;
  state?: string;
  timezone?: string;
}

export interface BeatCommandFlags extends BeatFlags, LogFlags {
  pidfile?: string;
  detach?: boolean;
}

/** Adds beat's own flags (not the broker, which worker has too). */
export function addBeatOptions(command: Command): Command {
  return command
    .addOption(new Option('--schedules <paths...>', 'schedule files or folders (default ./schedules when it exists)').env('CELERIAC_SCHEDULES'))
    .addOption(new Option('--store <path|url>', `schedule store: a SQLite file path or sqlite:/// URL (default ./${DEFAULT_STORE})`).env('CELERIAC_STORE'))
    .addOption(new Option('--keep-runs <n>', `runs kept per store entry in the run history (default ${DEFAULT_KEEP_RUNS})`).env('CELERIAC_KEEP_RUNS'))
    .addOption(new Option('-s, --state <path>', 'SQLite file for beat state when the broker cannot hold it (RabbitMQ; default ./celeriac.db)').env('CELERIAC_STATE'))
    .addOption(new Option('--timezone <zone>', 'zone of entries that set none (default UTC)').env('CELERIAC_TIMEZONE'));
}

export function registerBeatCommand(program: Command): void {
  const command = program
    .command('beat')
    .description('publish each due periodic task to the broker, exactly once')
    .addOption(new Option('--broker <url>', `broker URL (default ${DEFAULT_BROKER_URL})`).env('CELERIAC_BROKER_URL'));
  addBeatOptions(command);
  addLogOptions(command)
    .addOption(new Option('--pidfile <file>', 'write the process id here; refuse to start if a live beat holds it').env('CELERIAC_PIDFILE'))
    .addOption(new Option('--detach', 'run in the background (logs go to --logfile, default ./celeriac-beat.log)').env('CELERIAC_DETACH'))
    // Beat's modules load only when this command runs.
    .action(async (flags: BeatCommandFlags) => (await import('./beat-run.js')).runBeat(flags));
}
