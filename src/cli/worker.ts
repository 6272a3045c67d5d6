/** `celeriac worker`: consume task messages and run the tasks of an app module (cli.md). */
import { Option, type Command } from 'commander';
import { DEFAULT_ASYNC_CONCURRENCY, DEFAULT_BROKER_URL, DEFAULT_PREFETCH_MULTIPLIER } from '../worker/defaults.js';

export interface WorkerFlags {
  app: string;
  queues?: string;
  concurrency?: string;
  hostname?: string;
  pool: string;
  beat?: boolean;
  broker?: string;
  resultBackend?: string;
  loglevel: string;
  logfile?: string;
  prefetchMultiplier?: string;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('consume task messages and run the tasks of an app module')
    .addOption(new Option('-A, --app <module>', 'module exporting the Celeriac app (`app` or default): a path or a package').env('CELERIAC_APP').makeOptionMandatory())
    .addOption(new Option('-Q, --queues <names>', 'queues to consume, comma-separated, earlier first (default celery)').env('CELERIAC_QUEUES'))
    .addOption(new Option('-c, --concurrency <n>', `tasks run at once (default: ${DEFAULT_ASYNC_CONCURRENCY} for async, the number of CPUs for threads)`).env('CELERIAC_CONCURRENCY'))
    .addOption(new Option('-n, --hostname <name>', 'node name (default celeriac@<host>)').env('CELERIAC_HOSTNAME'))
    .addOption(new Option('--pool <kind>', 'async (one event loop) or threads (worker_threads, for CPU-bound tasks)').choices(['async', 'threads']).default('async').env('CELERIAC_POOL'))
    .addOption(new Option('-B, --beat', 'also run beat in this process').env('CELERIAC_BEAT'))
    .addOption(new Option('--broker <url>', `broker URL (default: the app's, else ${DEFAULT_BROKER_URL})`).env('CELERIAC_BROKER_URL'))
    .addOption(new Option('--result-backend <url>', "result backend URL (default: the app's)").env('CELERIAC_RESULT_BACKEND'))
    .addOption(new Option('--prefetch-multiplier <n>', `messages reserved per concurrency slot (default ${DEFAULT_PREFETCH_MULTIPLIER})`).env('CELERIAC_PREFETCH_MULTIPLIER'))
    .addOption(new Option('-l, --loglevel <level>', 'debug, info, warning, error or critical').default('info').env('CELERIAC_LOGLEVEL'))
    .addOption(new Option('-f, --logfile <file>', 'append the log to this file instead of stderr').env('CELERIAC_LOGFILE'))
    // The worker's modules (drivers, pools) load only when this command runs, not for every command.
    .action(async (flags: WorkerFlags) => (await import('./worker-run.js')).runWorker(flags));
}

