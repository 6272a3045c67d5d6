/** What `celeriac worker` does once its flags are read (loaded on demand by worker.ts). */
import { availableParallelism, hostname as osHostname } from 'node:os';
import { UsageError } from '../errors.js';
import { Logger, parseLogLevel, type LogLevel } from '../util/log.js';
import { maskUrl } from '../util/url.js';
import type { Celeriac } from '../worker/app.js';
import { DEFAULT_ASYNC_CONCURRENCY, DEFAULT_BROKER_URL } from '../worker/defaults.js';
import { formatBanner } from '../worker/banner.js';
import { loadApp } from '../worker/load-app.js';
import { AsyncPool } from '../worker/pools/async-pool.js';
import { ThreadsPool } from '../worker/pools/threads-pool.js';
import type { Pool } from '../worker/pools/types.js';
import { DEFAULT_QUEUE } from '../protocol/build.js';
import { Worker } from '../worker/worker.js';
import { packageVersion } from './version.js';
import type { WorkerFlags } from './worker.js';

export async function runWorker(flags: WorkerFlags): Promise<void> {
  const logger = new Logger({ level: logLevel(flags.loglevel), ...(flags.logfile ? { file: flags.logfile } : {}) });
  if (flags.beat) throw new UsageError('-B/--beat: embedding beat in the worker is not available yet; run `celeriac beat` beside the worker');
  const queues = flags.queues === undefined ? [DEFAULT_QUEUE] : queueList(flags.queues);
  const prefetchMultiplier = flags.prefetchMultiplier === undefined ? undefined : positiveInteger('--prefetch-multiplier', flags.prefetchMultiplier);
  const { app, file } = await loadApp(flags.app);
  configureConnections(app, flags);
  const concurrency = flags.concurrency === undefined
    ? flags.pool === 'threads' ? availableParallelism() : DEFAULT_ASYNC_CONCURRENCY
    : positiveInteger('--concurrency', flags.concurrency);
  const pool: Pool = flags.pool === 'threads' ? new ThreadsPool(file, concurrency) : new AsyncPool(app.registry, concurrency);
  const hostname = flags.hostname ?? `celeriac@${osHostname()}`;
  const worker = new Worker({ app, queues, pool, hostname, logger, ...(prefetchMultiplier === undefined ? {} : { prefetchMultiplier }) });

  process.stdout.write(formatBanner({
    hostname, version: packageVersion(), app: file, transport: maskUrl(app.brokerUrl), results: app.optionalResultBackend()?.displayUrl,
    concurrency, pool: pool.kind, queues, tasks: app.registry.names(), beat: false,
  }, new Date()));
  const stopped = stopOnSignals(worker);
  await worker.start();
  await stopped;
}

/**
 * --broker and --result-backend (or their variables) win over the app. With nothing set anywhere
 * the worker uses the embedded default, and then keeps results in the same SQLite file, so
 * `celeriac worker -A tasks` alone needs no service and still records results.
 */
function configureConnections(app: Celeriac, flags: WorkerFlags): void {
  app.configure({
    ...(flags.broker ? { broker: flags.broker } : {}),
    ...(flags.resultBackend ? { resultBackend: flags.resultBackend } : {}),
  });
  if (app.resultBackendUrl === undefined && app.brokerUrl === DEFAULT_BROKER_URL) app.configure({ resultBackend: DEFAULT_BROKER_URL });
}

/** First SIGTERM/SIGINT: warm shutdown. A second one: cold shutdown, exit at once. */
function stopOnSignals(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (): void => {
      signals++;
      if (signals === 1) {
        void worker.stop('warm').then(resolve, resolve);
      } else {
        void worker.stop('cold').finally(() => process.exit(1));
      }
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

function logLevel(text: string): LogLevel {
  try {
    return parseLogLevel(text);
  } catch (error) {
    throw new UsageError(`--loglevel: ${(error as Error).message}`);
  }
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
