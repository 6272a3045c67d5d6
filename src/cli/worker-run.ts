/** What `celeriac worker` does once its flags are read (loaded on demand by worker.ts). */
import { availableParallelism, hostname as osHostname } from 'node:os';
import type { BeatService } from '../beat/service.js';
import { UsageError } from '../errors.js';
import { DEFAULT_QUEUE } from '../protocol/build.js';
import type { Logger } from '../util/log.js';
import type { Celeriac } from '../worker/app.js';
import { formatBanner } from '../worker/banner.js';
import { DEFAULT_ASYNC_CONCURRENCY, DEFAULT_BROKER_URL } from '../worker/defaults.js';
import { errorText } from '../worker/errors.js';
import { loadApp } from '../worker/load-app.js';
import { AsyncPool } from '../worker/pools/async-pool.js';
import { ThreadsPool } from '../worker/pools/threads-pool.js';
import type { Pool } from '../worker/pools/types.js';
import { Worker } from '../worker/worker.js';
import { loggerFromFlags } from './log-flags.js';
import { packageVersion } from './version.js';
import type { WorkerFlags } from './worker.js';

export async function runWorker(flags: WorkerFlags): Promise<void> {
  const logger = loggerFromFlags(flags);
  const queues = flags.queues === undefined ? [DEFAULT_QUEUE] : queueList(flags.queues);
  const prefetchMultiplier = flags.prefetchMultiplier === undefined ? undefined : positiveInteger('--prefetch-multiplier', flags.prefetchMultiplier);
  const visibilityTimeout = flags.visibilityTimeout === undefined ? undefined : positiveInteger('--visibility-timeout', flags.visibilityTimeout);
  const { app, file } = await loadApp(flags.app);
  configureConnections(app, flags, logger);
  const concurrency = flags.concurrency === undefined
    ? flags.pool === 'threads' ? availableParallelism() : DEFAULT_ASYNC_CONCURRENCY
    : positiveInteger('--concurrency', flags.concurrency);
  // Threads load the module afresh: they get the same broker and backend, for tasks that send tasks.
  const pool: Pool = flags.pool === 'threads' ? new ThreadsPool({ moduleFile: file, ...app.urls }, concurrency) : new AsyncPool(app.registry, concurrency);
  const hostname = flags.hostname ?? `celeriac@${osHostname()}`;
  const worker = new Worker({
    app, queues, pool, hostname, logger,
    ...(prefetchMultiplier === undefined ? {} : { prefetchMultiplier }),
    ...(visibilityTimeout === undefined ? {} : { visibilityTimeout }),
  });

  process.stdout.write(formatBanner({
    hostname, version: packageVersion(), app: file, transport: app.brokerDisplayUrl, results: app.optionalResultBackend()?.displayUrl,
    concurrency, pool: pool.kind, queues, tasks: app.registry.names(), beat: flags.beat === true,
  }, new Date()));
  const beat = flags.beat ? await startBeat(app, flags, logger) : undefined;
  const stopped = stopOnSignals(worker, beat, logger);
  await worker.start();
  await stopped;
}

/**
 * The app logs where the worker does. --broker and --result-backend (or their variables) win over
 * the app. With nothing set anywhere
 * the worker uses the embedded default, and then keeps results in the same SQLite file, so
 * `celeriac worker -A tasks` alone needs no service and still records results.
 */
function configureConnections(app: Celeriac, flags: WorkerFlags, logger: Logger): void {
  app.configure({
    logger,
    ...(flags.broker ? { broker: flags.broker } : {}),
    ...(flags.resultBackend ? { resultBackend: flags.resultBackend } : {}),
  });
  if (!app.hasResultBackend && app.urls.broker === DEFAULT_BROKER_URL) app.configure({ resultBackend: DEFAULT_BROKER_URL });
}

/** -B: beat in this process, on the worker's broker, logging as `Beat`. */
async function startBeat(app: Celeriac, flags: WorkerFlags, logger: Logger): Promise<BeatService> {
  const [{ BeatService }, { beatServiceOptions }] = await Promise.all([import('../beat/service.js'), import('./beat-run.js')]);
  const beatLogger = logger.child('Beat');
  const broker = app.urls.broker;
  if (!broker) throw new UsageError('-B: beat needs a broker URL, and the app was given a Broker object (use --broker)');
  const service = await BeatService.start(beatServiceOptions({ ...flags, broker }, beatLogger));
  beatLogger.info(`beat: ${service.beat.entryCount} entries scheduled`);
  return service;
}

/**
 * First SIGTERM/SIGINT: beat stops, then the worker shuts down warm. A second one: cold shutdown,
 * exit at once. SIGHUP reloads beat's schedules.
 */
function stopOnSignals(worker: Worker, beat: BeatService | undefined, logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (): void => {
      signals++;
      if (signals === 1) {
        void (async () => {
          try {
            await beat?.stop();
            await worker.stop('warm');
          } catch (error) {
            logger.error(`worker: shutdown failed: ${errorText(error)}`);
          }
          resolve();
        })();
      } else {
        void worker.stop('cold').finally(() => process.exit(1));
      }
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    if (beat) process.on('SIGHUP', () => { void beat.reload('SIGHUP'); });
  });
}

function queueList(text: string): string[] {
  const queues = text.split(',').map((name) => name.trim()).filter(Boolean);
  if (queues.length === 0) throw new UsageError('--queues: give at least one queue name');
  return queues;
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag}: expected a whole number of at least 1, not "${text}"`);
  return value;
}
