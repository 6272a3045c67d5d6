/** What `celeriac beat` does once its flags are read (loaded on demand by beat.ts). */
import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { formatBeatBanner } from '../beat/banner.js';
import { BeatService, type BeatServiceOptions } from '../beat/service.js';
import { DEFAULT_STATE_PATH } from '../beat/state/open.js';
import { UsageError } from '../errors.js';
import { assertZone } from '../schedule/zone.js';
import { DEFAULT_STORE } from '../store/defaults.js';
import { storePath } from '../store/location.js';
import type { Logger } from '../util/log.js';
import { Pidfile } from '../util/pidfile.js';
import { maskUrl } from '../util/url.js';
import { DEFAULT_BROKER_URL, type BeatCommandFlags, type BeatFlags } from './beat.js';
import { loggerFromFlags } from './log-flags.js';
import { packageVersion } from './version.js';

const DEFAULT_SCHEDULES = 'schedules';
const DEFAULT_DETACHED_LOGFILE = 'celeriac-beat.log';

export async function runBeat(flags: BeatCommandFlags): Promise<void> {
  if (flags.detach) return detach(flags);
  // V8 may decide, from what survived its young-generation collections during a large start-up or
  // burst, to allocate some allocation sites' objects straight into the old generation. For beat's
  // short-lived dispatch objects that decision, once made, left tens of megabytes of old-generation
  // garbage per 100k burst (scripts/bench/beat.ts: RSS after two bursts 276 MB, or 321 MB in runs
  // where V8 made it). Set before any beat code runs, so no site has been judged yet.
  setFlagsFromString('--no-allocation-site-pretenuring');
  const logger = loggerFromFlags(flags);
  const options = beatServiceOptions(flags, logger);
  const pidfile = flags.pidfile ? Pidfile.acquire(flags.pidfile) : null;
  try {
    process.stdout.write(formatBeatBanner({
      version: packageVersion(),
      broker: maskUrl(options.brokerUrl),
      schedules: options.schedulePaths.join(', ') || '(none)',
      store: options.storePath,
      state: stateLocation(options),
      timezone: options.timezone ?? 'UTC',
      logfile: `${flags.logfile ?? '[stderr]'}@%${logger.level}`,
      pidfile: flags.pidfile,
    }, new Date()));
    const service = await BeatService.start(options);
    collectStartupGarbage();
    logger.info(`beat: ${service.beat.entryCount} entries scheduled`);
    await untilStopped(service, logger);
  } finally {
    pidfile?.release();
  }
}

/**
 * Reading and registering a large schedule (100k entries) leaves tens of megabytes of garbage in the
 * old generation, which V8 would only collect once it grows further, on top of the first dispatches'
 * (scripts/bench/beat.ts: peak RSS over 300 MB at 100k entries). One full collection once beat has
 * started returns it at once. `gc` is reachable only with --expose-gc, set here for this one call.
 */
function collectStartupGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Beat's settings from flags (and their variables), checked; shared with `worker -B`. */
export function beatServiceOptions(flags: BeatFlags, logger: Logger): BeatServiceOptions {
  const schedulePaths = flags.schedules ?? (existsSync(DEFAULT_SCHEDULES) ? [DEFAULT_SCHEDULES] : []);
  const brokerUrl = flags.broker ?? DEFAULT_BROKER_URL;
  const brokerHoldsState = !/^(amqps?|pyamqp):/i.test(brokerUrl);
  if (flags.state && brokerHoldsState) logger.warning(`--state ${flags.state}: not used; on Redis and SQLite brokers beat keeps its state beside the queue`);
  let timezone: string | undefined;
  if (flags.timezone) {
    try {
      timezone = assertZone(flags.timezone);
    } catch (error) {
      throw new UsageError(`--timezone: ${(error as Error).message}`);
    }
  }
  return {
    brokerUrl,
    schedulePaths,
    statePath: brokerHoldsState ? undefined : flags.state,
    storePath: storePath(flags.store ?? DEFAULT_STORE),
    keepRuns: flags.keepRuns === undefined ? undefined : keepRunsFlag(flags.keepRuns),
    timezone,
    logger,
  };
}

function keepRunsFlag(text: string): number {
  const keep = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(keep >= 1)) throw new UsageError(`--keep-runs: must be a whole number of at least 1, got "${text}"`);
  return keep;
}

function stateLocation(options: BeatServiceOptions): string {
  if (options.brokerUrl.startsWith('sqlite:')) return `in the broker's SQLite file`;
  if (options.brokerUrl.startsWith('redis')) return 'in Redis, beside the queue';
  return `${options.statePath ?? DEFAULT_STATE_PATH} (with an outbox of claimed messages)`;
}

/** SIGHUP reloads the schedules; SIGTERM/SIGINT stop after the batch in progress, state saved. */
function untilStopped(service: BeatService, logger: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    const onHup = (): void => { void service.reload('SIGHUP'); };
    const onStop = (signal: string): void => {
      process.off('SIGHUP', onHup);
      logger.info(`beat: Stopping on ${signal}...`);
      service.stop().then(() => {
        logger.info('beat: Stopped');
        resolve();
      }, reject);
    };
    process.on('SIGHUP', onHup);
    process.once('SIGTERM', () => onStop('SIGTERM'));
    process.once('SIGINT', () => onStop('SIGINT'));
  });
}

/** --detach: start the same command in the background, logging to a file, and return. */
function detach(flags: BeatCommandFlags): void {
  const logfile = flags.logfile ?? DEFAULT_DETACHED_LOGFILE;
  const args = process.argv.slice(2).filter((arg) => arg !== '--detach');
  const out = openSync(logfile, 'a');
  const env: NodeJS.ProcessEnv = { ...process.env, CELERIAC_LOGFILE: logfile };
  delete env.CELERIAC_DETACH;
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...args], {
    detached: true,
    stdio: ['ignore', out, out],
    env,
  });
  child.unref();
  process.stdout.write(`celeriac beat started in the background (pid ${child.pid}); log: ${logfile}\n`);
}
