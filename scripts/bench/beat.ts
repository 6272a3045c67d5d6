/**
 * celeriac beat against its targets (issue 4 "Speed") and, in the same run, Celery beat 5.2, both on
 * the real Redis at 127.0.0.1:6379 (celeriac on DB 14, Celery on DB 15; only this bench's own keys
 * are created and deleted, since other benches share those databases).
 *
 * Each scenario runs the real CLI as a child process (`node bin/celeriac.js beat`, from dist: run it
 * through `npm run bench`, which builds first) on a generated JSON schedule file, logging at INFO to
 * a file as a production beat would, and measures it from outside:
 * - dispatch rate and lateness: a consumer in this process pops the entries' queue (BLMPOP, up to
 *   1000 at a time) and records arrival time − the message's `celeriac_occurrence` header. That is
 *   an upper bound of push lateness: it adds the pop's round trip and this process's own delays;
 * - CPU (utime + stime, all threads) and RSS (VmRSS at the end of the window, VmHWM peak) from /proc;
 * - start-up: spawn → the "N entries scheduled" log line, i.e. the schedule file read and validated,
 *   every entry registered in Redis and the scheduler loop running.
 *
 * Run: `npx tsx scripts/bench/beat.ts [name-filter...]` (e.g. `100k`, `celery`); after `npm run build`.
 * Run one at a time, with no other beat on DB 14: beat's state keys there are shared. Needs Redis 7
 * (the consumer pops with BLMPOP).
 * To profile beat, pass node flags in BEAT_BENCH_NODE_ARGS (`--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CELERIAC_BIN = join(ROOT, 'bin/celeriac.js');
const CELERIAC_REDIS = 'redis://127.0.0.1:6379/14';
const CELERY_REDIS = 'redis://127.0.0.1:6379/15';
const PYTHON = process.env.CELERIAC_PYTHON ?? '/usr/bin/python3';
const BEAT_NODE_ARGS = process.env.BEAT_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
/** Beat's state keys (the CLI's default prefix). */
const BEAT_STATE_KEYS = ['celeriac:beat:meta', 'celeriac:beat:last', 'celeriac:beat:runs'];

const PERIOD_MS = 10_000;
/** Measuring windows: two whole periods, so every spread entry is due exactly twice in one. */
const WINDOW_MS = 2 * PERIOD_MS;
const WARM_UP_MS = 5_000;
/** After a window, how long late messages may still arrive and count. */
const DRAIN_MS = 3_000;
const IDLE_WINDOW_MS = 10_000;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

const TARGETS = { p99LatenessMs: 100, burstMs: 2_000, rssMb: 300, startupMs: 2_000, idleCpuPercent: 1 };

interface Scenario {
  name: string;
  run: (redis: Redis) => Promise<void>;
}

/** Target checks gathered over the run, printed at the end. */
const verdicts: string[] = [];

function check(what: string, value: number, limit: number, unit: string, digits = 0): void {
  verdicts.push(`${value < limit ? 'met   ' : 'MISSED'} ${what}: ${format(value, digits)} ${unit} (target < ${limit.toLocaleString('en-US')} ${unit})`);
}

function checkAllDelivered(what: string, missing: number): void {
  verdicts.push(`${missing === 0 ? 'met   ' : 'MISSED'} ${what}: ${missing === 0 ? 'every due occurrence delivered once' : `${missing.toLocaleString('en-US')} due occurrences not delivered`}`);
}

function checkRss(what: string, memory: { rss: number; peak: number }): void {
  check(`${what}: RSS at the end`, memory.rss, TARGETS.rssMb, 'MB');
  check(`${what}: RSS peak (VmHWM, start-up included)`, memory.peak, TARGETS.rssMb, 'MB');
}

function format(value: number, digits = 1): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: value < 10 ? digits : 0 });
}

function sleepUntil(wallMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, wallMs - Date.now())));
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** CPU time and memory of a process, read from /proc. */
class ProcessStats {
  constructor(readonly pid: number) {}

  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  }

  memoryMb(): { rss: number; peak: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  }
}

/** A beat under test: its process, its log file and the moment it was spawned. */
class BeatProcess {
  readonly stats: ProcessStats;
  private exited = false;

  private constructor(private readonly child: ChildProcess, readonly logFile: string, readonly spawnedAt: number) {
    this.stats = new ProcessStats(child.pid!);
    child.once('exit', () => { this.exited = true; });
  }

  static spawn(command: string, args: string[], logFile: string, options: { cwd: string; env?: NodeJS.ProcessEnv }): BeatProcess {
    const spawnedAt = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'ignore', 'inherit'] });
    return new BeatProcess(child, logFile, spawnedAt);
  }

  /** Polls the log file (every 5 ms) until a line matches; returns ms since spawn. */
  async waitForLog(pattern: RegExp, timeoutMs = 120_000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      let text = '';
      try { text = readFileSync(this.logFile, 'utf8'); } catch { /* not created yet */ }
      if (pattern.test(text)) return performance.now() - this.spawnedAt;
      if (this.exited) throw new Error(`beat exited before logging ${pattern}; log:\n${text.slice(-2000)}`);
      if (performance.now() > deadline) throw new Error(`beat did not log ${pattern} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited after 5 s; returns ms until it exited. */
  async stop(): Promise<number> {
    const started = performance.now();
    if (this.exited) return 0;
    const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exit;
    clearTimeout(timer);
    return performance.now() - started;
  }
}

const OCCURRENCE_HEADER = /"celeriac_occurrence":"([^"]+)"/;
const TASK_ID_HEADER = /"id":"([^"]+)"/;

/**
 * Pops a queue as fast as messages come, recording each one's arrival; the envelopes are read (their
 * occurrence and task id) only when asked for figures, so the consumer spends as little CPU as it
 * can while beat runs beside it.
 */
class QueueConsumer {
  readonly arrivals: number[] = [];
  private readonly envelopes: string[] = [];
  private readonly redis: Redis;
  private stopped = false;
  private running: Promise<void> | null = null;

  constructor(url: string, private readonly queue: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 0 });
  }

  start(): void {
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const reply = (await this.redis.call('BLMPOP', '0.1', '1', this.queue, 'RIGHT', 'COUNT', '1000')) as [string, string[]] | null;
      const at = Date.now();
      for (const envelope of reply?.[1] ?? []) {
        this.arrivals.push(at);
        this.envelopes.push(envelope);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    this.redis.disconnect();
  }

  /** Messages whose occurrence lies in [fromMs, toMs): how many, distinct ids, lateness percentiles. */
  lateness(fromMs: number, toMs: number): { count: number; distinct: number; p50: number; p99: number; max: number } {
    const late: number[] = [];
    const ids = new Set<string>();
    this.envelopes.forEach((envelope, i) => {
      const occurrence = Date.parse(OCCURRENCE_HEADER.exec(envelope)?.[1] ?? '');
      if (occurrence >= fromMs && occurrence < toMs) {
        late.push(this.arrivals[i]! - occurrence);
        ids.add(TASK_ID_HEADER.exec(envelope)?.[1] ?? '');
      }
    });
    late.sort((a, b) => a - b);
    return { count: late.length, distinct: ids.size, p50: percentile(late, 0.5), p99: percentile(late, 0.99), max: late.at(-1) ?? NaN };
  }

  /** Messages that arrived in [fromMs, toMs). */
  arrivedBetween(fromMs: number, toMs: number): number {
    return this.arrivals.filter((at) => at >= fromMs && at < toMs).length;
  }
}

/** A JSON schedule file of `count` interval entries routed to `queue`, `start` given per entry. */
function writeScheduleFile(dir: string, count: number, queue: string, entry: (i: number) => Record<string, unknown>): string {
  const entries: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) entries[`bench-${i}`] = { task: 'bench.noop', options: { queue }, ...entry(i) };
  const file = join(dir, 'schedule.json');
  writeFileSync(file, JSON.stringify({ entries }));
  return file;
}

/** A 10 s boundary a minute ago: the origin of every generated `start`. */
function gridOrigin(): number {
  return Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS - 60_000;
}

async function deleteKeys(redis: Redis, keys: string[]): Promise<void> {
  if (keys.length > 0) await redis.del(...keys);
}

/**
 * Runs celeriac beat on a schedule file with a consumer on its queue; `measure` gets the process,
 * its start-up time and the consumer. Cleans beat's state and the queue before and after.
 */
async function withCeleriacBeat(
  redis: Redis,
  label: string,
  schedule: (dir: string, queue: string) => string,
  measure: (beat: BeatProcess, startupMs: number, consumer: QueueConsumer) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'celeriac-bench-beat-'));
  const queue = `bench.beat.${process.pid}.${label}`;
  const ownKeys = [...BEAT_STATE_KEYS, queue, `_kombu.binding.${queue}`];
  await deleteKeys(redis, ownKeys);
  const file = schedule(dir, queue);
  const consumer = new QueueConsumer(CELERIAC_REDIS, queue);
  consumer.start();
  const logFile = join(dir, 'beat.log');
  const beat = BeatProcess.spawn(process.execPath, [...BEAT_NODE_ARGS, CELERIAC_BIN, 'beat', '--broker', CELERIAC_REDIS, '--schedules', file, '-l', 'info', '-f', logFile], logFile, { cwd: dir });
  try {
    const startupMs = await beat.waitForLog(/beat: \d+ entries scheduled/);
    await measure(beat, startupMs, consumer);
  } finally {
    await beat.stop();
    await consumer.stop();
    await deleteKeys(redis, ownKeys);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** N entries each due every 10 s, their `start`s spread evenly over the 10 s. */
function steady(count: number, label: string): Scenario {
  return {
    name: `celeriac-${label}`,
    run: (redis) => withCeleriacBeat(redis, label, (dir, queue) => {
      const origin = gridOrigin();
      return writeScheduleFile(dir, count, queue, (i) => ({ schedule: PERIOD_MS / 1000, start: new Date(origin + Math.floor((i * PERIOD_MS) / count)).toISOString() }));
    }, async (beat, startupMs, consumer) => {
      const from = Date.now() + WARM_UP_MS;
      await sleepUntil(from);
      const cpuBefore = beat.stats.cpuMs();
      await sleepUntil(from + WINDOW_MS);
      const cpuMs = beat.stats.cpuMs() - cpuBefore;
      const memory = beat.stats.memoryMb();
      await sleepUntil(from + WINDOW_MS + DRAIN_MS);
      const expected = (count * WINDOW_MS) / PERIOD_MS;
      const late = consumer.lateness(from, from + WINDOW_MS);
      console.log(
        `beat celeriac, ${count.toLocaleString('en-US')} entries every 10 s: start-up ${format(startupMs, 0)} ms; ` +
          `${format(late.count / (WINDOW_MS / 1000), 0)} dispatches/s (${late.count.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} due in a ${WINDOW_MS / 1000} s window, ${late.count - late.distinct} duplicates); ` +
          `lateness p50 ${format(late.p50)} ms, p99 ${format(late.p99)} ms, max ${format(late.max)} ms; ` +
          `CPU ${format((cpuMs / WINDOW_MS) * 100)} %; RSS ${format(memory.rss, 0)} MB (peak ${format(memory.peak, 0)} MB)`,
      );
      checkAllDelivered(`${label} every 10 s`, expected - late.distinct);
      check(`${label} every 10 s: lateness p99`, late.p99, TARGETS.p99LatenessMs, 'ms');
      check(`${label}: start-up`, startupMs, TARGETS.startupMs, 'ms');
      checkRss(`${label} every 10 s`, memory);
    }),
  };
}

/** 100k entries sharing one `start`: every 10 s all of them are due on the same instant. */
function burst(count: number, label: string): Scenario {
  return {
    name: `celeriac-burst-${label}`,
    run: (redis) => withCeleriacBeat(redis, `burst-${label}`, (dir, queue) => {
      const start = new Date(gridOrigin()).toISOString();
      return writeScheduleFile(dir, count, queue, () => ({ schedule: PERIOD_MS / 1000, start }));
    }, async (beat, startupMs, consumer) => {
      const first = Math.ceil((Date.now() + 1_000) / PERIOD_MS) * PERIOD_MS;
      await sleepUntil(first);
      const cpuBefore = beat.stats.cpuMs();
      await sleepUntil(first + WINDOW_MS);
      const cpuMs = beat.stats.cpuMs() - cpuBefore;
      const memory = beat.stats.memoryMb();
      await sleepUntil(first + WINDOW_MS + DRAIN_MS);
      const parts: string[] = [];
      for (let due = first; due < first + WINDOW_MS; due += PERIOD_MS) {
        const late = consumer.lateness(due, due + 1);
        parts.push(`${late.count.toLocaleString('en-US')} delivered ${format(late.max / 1000, 2)} s after the due instant (p50 ${format(late.p50, 0)} ms, p99 ${format(late.p99, 0)} ms)`);
        checkAllDelivered(`burst of ${label}`, count - late.distinct);
        check(`burst of ${label}: last delivered after`, late.max, TARGETS.burstMs, 'ms');
      }
      console.log(
        `beat celeriac, burst: ${count.toLocaleString('en-US')} entries due on the same instant every 10 s: start-up ${format(startupMs, 0)} ms; ` +
          `${parts.join('; ')}; CPU ${format((cpuMs / WINDOW_MS) * 100)} % over ${WINDOW_MS / 1000} s; RSS ${format(memory.rss, 0)} MB (peak ${format(memory.peak, 0)} MB)`,
      );
      check(`burst ${label}: start-up`, startupMs, TARGETS.startupMs, 'ms');
      checkRss(`burst ${label}`, memory);
    }),
  };
}

/** 100k entries first due in a day: what beat costs while nothing is due. */
function idle(count: number, label: string): Scenario {
  return {
    name: `celeriac-idle-${label}`,
    run: (redis) => withCeleriacBeat(redis, `idle-${label}`, (dir, queue) => writeScheduleFile(dir, count, queue, () => ({ schedule: '1d' })), async (beat, startupMs) => {
      // Let the start-up's garbage collection settle first.
      await sleepUntil(Date.now() + 2_000);
      const cpuBefore = beat.stats.cpuMs();
      await sleepUntil(Date.now() + IDLE_WINDOW_MS);
      const cpuPercent = ((beat.stats.cpuMs() - cpuBefore) / IDLE_WINDOW_MS) * 100;
      const memory = beat.stats.memoryMb();
      console.log(
        `beat celeriac, idle: ${count.toLocaleString('en-US')} entries, none due for a day: start-up ${format(startupMs, 0)} ms; ` +
          `CPU ${format(cpuPercent, 2)} % over ${IDLE_WINDOW_MS / 1000} s; RSS ${format(memory.rss, 0)} MB (peak ${format(memory.peak, 0)} MB)`,
      );
      check(`idle ${label}: CPU while nothing is due`, cpuPercent, TARGETS.idleCpuPercent, '%', 2);
      checkRss(`idle ${label}`, memory);
    }),
  };
}

/** Celery beat 5.2 with N entries of timedelta(seconds=10): how many dispatches a second it sustains. */
function celery(count: number, label: string): Scenario {
  return {
    name: `celery-${label}`,
    run: async (redis) => {
      if (!pythonCeleryAvailable()) {
        console.log(`beat Celery 5.2, ${count.toLocaleString('en-US')} entries: skipped (no Celery for ${PYTHON}: apt-get install python3-celery python3-redis)`);
        return;
      }
      const dir = mkdtempSync(join(tmpdir(), 'celeriac-bench-celery-beat-'));
      const queue = `bench.celery-beat.${process.pid}.${label}`;
      const ownKeys = [queue, `_kombu.binding.${queue}`];
      await deleteKeys(redis, ownKeys);
      const consumer = new QueueConsumer(CELERY_REDIS, queue);
      consumer.start();
      const logFile = join(dir, 'beat.log');
      const beat = BeatProcess.spawn(PYTHON, [
        '-m', 'celery', '-A', 'beat_bench', 'beat', '-s', join(dir, 'celerybeat-schedule'), '--pidfile', join(dir, 'celerybeat.pid'), '-l', 'info', '-f', logFile,
      ], logFile, {
        cwd: dir,
        env: { PYTHONPATH: fileURLToPath(new URL('.', import.meta.url)), BEAT_BENCH_BROKER: CELERY_REDIS, BEAT_BENCH_COUNT: String(count), BEAT_BENCH_QUEUE: queue },
      });
      try {
        await beat.waitForLog(/beat: Starting/);
        const deadline = Date.now() + 60_000;
        while (consumer.arrivals.length === 0 && Date.now() < deadline) await sleepUntil(Date.now() + 5);
        const from = consumer.arrivals[0] ?? Date.now();
        const cpuBefore = beat.stats.cpuMs();
        await sleepUntil(from + WINDOW_MS);
        const cpuMs = beat.stats.cpuMs() - cpuBefore;
        const memory = beat.stats.memoryMb();
        const sent = consumer.arrivedBetween(from, from + WINDOW_MS);
        console.log(
          `beat Celery 5.2 (${PYTHON}), ${count.toLocaleString('en-US')} entries every 10 s: ` +
            `${format(sent / (WINDOW_MS / 1000), 0)} dispatches/s (${sent.toLocaleString('en-US')} in the ${WINDOW_MS / 1000} s from its first dispatch; ${format(count / 10, 0)}/s are due); ` +
            `CPU ${format((cpuMs / WINDOW_MS) * 100)} %; RSS ${format(memory.rss, 0)} MB (peak ${format(memory.peak, 0)} MB)`,
        );
      } finally {
        await beat.stop();
        await consumer.stop();
        await deleteKeys(redis, ownKeys);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function pythonCeleryAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import celery, redis'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const SCENARIOS: Scenario[] = [
  steady(1_000, '1k'),
  steady(10_000, '10k'),
  steady(100_000, '100k'),
  burst(100_000, '100k'),
  idle(100_000, '100k'),
  celery(1_000, '1k'),
  celery(10_000, '10k'),
];

function loadLine(): string {
  return `load average ${loadavg().map((n) => n.toFixed(2)).join(' ')} on ${cpus().length} cores`;
}

export async function benchBeat(filters: string[] = []): Promise<void> {
  const redis = new Redis(CELERIAC_REDIS, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  if (!(await redis.connect().then(() => true, () => false))) {
    console.log('beat bench: skipped (no Redis on 127.0.0.1:6379)');
    return;
  }
  const celeryRedis = new Redis(CELERY_REDIS, { maxRetriesPerRequest: 0 });
  const scenarios = SCENARIOS.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));
  console.log(`beat bench: ${scenarios.map((s) => s.name).join(', ')}; ${loadLine()} at the start`);
  console.log(
    '  lateness = arrival at a consumer popping the queue − the message\'s celeriac_occurrence header (an upper bound of push lateness); ' +
      '"every 10 s" entries have their `start` spread evenly over the 10 s; the consumer shares the machine with beat and Redis',
  );
  console.log(
    '  start-up = spawn → beat logs "N entries scheduled" (schedule file read and validated, every entry registered in Redis and planned); ' +
      'CPU = utime + stime of all beat threads over the window; RSS = VmRSS at the end of the window (peak = VmHWM)',
  );
  try {
    for (const scenario of scenarios) await scenario.run(scenario.name.startsWith('celery') ? celeryRedis : redis);
  } finally {
    redis.disconnect();
    celeryRedis.disconnect();
  }
  console.log(`beat bench: ${loadLine()} at the end`);
  for (const verdict of verdicts) console.log(`  ${verdict}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchBeat(process.argv.slice(2));
}
