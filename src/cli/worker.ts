/** `celeriac worker`: consume task messages and run the tasks of an app module (cli.md). */
import { Option, type Command } from 'commander';
import { DEFAULT_ASYNC_CONCURRENCY, DEFAULT_BROKER_URL, DEFAULT_PREFETCH_MULTIPLIER } from '../worker/defaults.js';
import { addBeatOptions, type BeatFlags } from './beat.js';
import { addLogOptions, type LogFlags } from './log-flags.js';

export interface WorkerFlags extends BeatFlags, LogFlags {
  app: string;
  queues?: string;
  concurrency?: string;
  hostname?: string;
  pool: string;
  beat?: boolean;
  resultBackend?: string;
  prefetchMultiplier?: string;
  visibilityTimeout?: string;
}

export function registerWorkerCommand(program: Command): void {
  const command = program
    .command('worker')
    .description('consume task messages and run the tasks of an app module')
    .addOption(new Option('-A, --app <module>', 'module exporting the Celeriac app (`app` or default): a path or a package').env('CELERIAC_APP').makeOptionMandatory())
    .addOption(new Option('-Q, --queues <names>', 'queues to consume, comma-separated, earlier first (default celery)').env('CELERIAC_QUEUES'))
    .addOption(new Option('-c, --concurrency <n>', `tasks run at once (default: ${DEFAULT_ASYNC_CONCURRENCY} for async, the number of CPUs for threads)`).env('CELERIAC_CONCURRENCY'))
    .addOption(new Option('-n, --hostname <name>', 'node name (default celeriac@<host>)').env('CELERIAC_HOSTNAME'))
    .addOption(new Option('--pool <kind>', 'async (one event loop) or threads (worker_threads, for CPU-bound tasks)').choices(['async', 'threads']).default('async').env('CELERIAC_POOL'))
    .addOption(new Option('-B, --beat', "also run beat in this process (beat's flags below apply)").env('CELERIAC_BEAT'))
    .addOption(new Option('--broker <url>', `broker URL (default: the app's, else ${DEFAULT_BROKER_URL})`).env('CELERIAC_BROKER_URL'))
    .addOption(new Option('--result-backend <url>', "result backend URL (default: the app's)").env('CELERIAC_RESULT_BACKEND'))
    .addOption(new Option('--prefetch-multiplier <n>', `messages reserved per concurrency slot (default ${DEFAULT_PREFETCH_MULTIPLIER})`).env('CELERIAC_PREFETCH_MULTIPLIER'))
    .addOption(new Option('--visibility-timeout <seconds>', "seconds before an unacknowledged message is handed out again (default: the app's, else 3600)").env('CELERIAC_VISIBILITY_TIMEOUT'));
  addBeatOptions(command);
  addLogOptions(command)
    // The worker's modules (drivers, pools) load only when this command runs, not for every command.
    .action(async (flags: WorkerFlags) => (await import('./worker-run.js')).runWorker(flags));
}
