/**
 * Worker throughput and latency with no-op tasks through Redis (DB 15), for a celeriac worker
 * (-c 100, async pool) and, in the same run, a Python Celery worker (prefork, -c 2).
 *
 * Throughput: the queue is filled first, then the worker starts; tasks/s is counted between the first
 * and the last result's date_done, so start-up is left out and both workers store their results.
 * Latency: then, with the worker idle, tasks are sent one at a time and awaited (send → result
 * stored → client woken by pub/sub); p50 and p99 of those round trips.
 * CPU: what the worker's processes (Python's pool children included) and the Redis server used per
 * task while the results came in, from /proc and INFO cpu (Linux), to show which side is the limit.
 * Redis is the machine's shared server, so others' work there counts too.
 *
 * Run: `npx tsx scripts/bench/worker.ts [celeriacTasks] [pythonTasks]` (defaults 20,000 and 2,000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { RedisBroker } from '../../src/broker/redis/redis-broker.js';
import { buildTaskMessage } from '../../src/protocol/build.js';
import { Celeriac } from '../../src/worker/app.js';

const REDIS_URL = 'redis://127.0.0.1:6379/15';
const PYTHON = process.env.CELERIAC_PYTHON ?? '/usr/bin/python3';
const ROUND_TRIPS = 300;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks per second. */
const CLOCK_TICKS_PER_S = 100;
const root = fileURLToPath(new URL('../../', import.meta.url));

interface Figures {
  tasksPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export async function benchWorker(celeriacTasks = 20_000, pythonTasks = 2_000): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  if (!(await redis.connect().then(() => true, () => false))) {
    console.log('worker bench: skipped (no Redis on 127.0.0.1:6379)');
    return;
  }
  try {
    const celeriac = await measure(redis, 'celeriac -c 100 (async)', celeriacTasks, (queue) => spawn(process.execPath, [
      '--import', import.meta.resolve('tsx'), 'src/cli/main.ts', 'worker', '-A', 'scripts/bench/worker-app.ts', '-Q', queue, '-c', '100',
      '--broker', REDIS_URL, '--result-backend', REDIS_URL, '-l', 'warning',
    ], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], detached: true }));
    const python = await measure(redis, 'python celery -c 2 (prefork)', pythonTasks, (queue) => spawn(PYTHON, [
      '-m', 'celery', '-A', 'worker_bench', 'worker', '-Q', queue, '--pool', 'prefork', '-c', '2', '-l', 'warning',
      '--without-gossip', '--without-mingle', '--without-heartbeat',
    ], { cwd: fileURLToPath(new URL('.', import.meta.url)), env: { ...process.env, CELERIAC_BENCH_BROKER: REDIS_URL, PYTHONPATH: '.' }, stdio: ['ignore', 'ignore', 'inherit'], detached: true }));
    if (celeriac && python) {
      console.log(`worker: celeriac / python throughput = ${(celeriac.tasksPerSecond / python.tasksPerSecond).toFixed(1)}x (target >= 10x)`);
    }
  } finally {
    redis.disconnect();
  }
}

async function measure(redis: Redis, label: string, count: number, startWorker: (queue: string) => ChildProcess): Promise<Figures | undefined> {
  const queue = `bench.worker.${process.pid}.${Date.now().toString(36)}`;
  const broker = new RedisBroker(REDIS_URL, REDIS_URL);
  await broker.connect();
  const ids: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - start) }, () => buildTaskMessage({ task: 'bench.noop', queue }, Date.now()));
    await Promise.all(batch.map((message) => broker.publish(message)));
    ids.push(...batch.map((message) => message.headers.id));
  }
  await broker.close();

  const load = loadavg()[0]!.toFixed(2);
  const worker = startWorker(queue);
  const client = new Celeriac({ broker: REDIS_URL, resultBackend: REDIS_URL });
  const roundTripIds: string[] = [];
  try {
    const started = await cpuWhenFirstResult(redis, ids[0]!, worker.pid!, 300_000);
    const done = started && await waitForResults(redis, ids, 300_000);
    if (!done) {
      console.log(`${label}: did not finish ${count} tasks within 300 s`);
      return undefined;
    }
    const cpu = await cpuPerTask(redis, worker.pid!, started, done.at.filter((at) => at >= started.atMs).length);
    const tasksPerSecond = count / ((done.last - done.first) / 1000);
    const latencies: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const begun = performance.now();
      const result = client.sendTask('bench.noop', [], {}, { queue });
      roundTripIds.push(result.id);
      await result.get({ timeout: 30_000 });
      latencies.push(performance.now() - begun);
    }
    latencies.sort((a, b) => a - b);
    const figures = { tasksPerSecond, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
    console.log(`worker ${label}: ${Math.round(tasksPerSecond).toLocaleString('en-US')} tasks/s (${count} no-op tasks, results in Redis); `
      + `round trip p50 ${figures.p50Ms.toFixed(2)} ms, p99 ${figures.p99Ms.toFixed(2)} ms (${ROUND_TRIPS} sequential); `
      + `CPU per task ${cpu ? `worker ${cpu.workerUs.toFixed(0)} µs, redis ${cpu.redisUs.toFixed(0)} µs` : 'not measured (no /proc)'}; load ${load}`);
    return figures;
  } finally {
    await client.close();
    try { process.kill(-worker.pid!, 'SIGKILL'); } catch { /* gone */ }
    const keys = [...[...ids, ...roundTripIds].map((id) => `celery-task-meta-${id}`), queue, `_kombu.binding.${queue}`];
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  }
}

interface CpuSample {
  atMs: number;
  /** CPU seconds of the worker's process group; undefined without /proc. */
  workerS: number | undefined;
  redisS: number;
}

async function cpuSample(redis: Redis, workerPid: number): Promise<CpuSample> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return { atMs: Date.now(), workerS: processGroupCpuS(workerPid), redisS: field('used_cpu_user') + field('used_cpu_sys') };
}

/** Waits (polling every 20 ms) for the first task's result, then samples CPU: start-up is left out. */
async function cpuWhenFirstResult(redis: Redis, firstId: string, workerPid: number, timeoutMs: number): Promise<CpuSample | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (!(await redis.exists(`celery-task-meta-${firstId}`))) {
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return cpuSample(redis, workerPid);
}

async function cpuPerTask(redis: Redis, workerPid: number, start: CpuSample, tasks: number): Promise<{ workerUs: number; redisUs: number } | undefined> {
  const end = await cpuSample(redis, workerPid);
  if (start.workerS === undefined || end.workerS === undefined || tasks === 0) return undefined;
  return { workerUs: ((end.workerS - start.workerS) * 1e6) / tasks, redisUs: ((end.redisS - start.redisS) * 1e6) / tasks };
}

/** CPU seconds used by every process in the group `leader` leads (the worker was spawned detached). */
function processGroupCpuS(leader: number): number | undefined {
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // ended meanwhile
      }
      // Fields after "(comm) ": state ppid pgrp ... utime(11) stime(12) cutime(13) cstime(14)
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      if (Number(fields[2]) === leader) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    }
  } catch {
    return undefined;
  }
  return ticks / CLOCK_TICKS_PER_S;
}

/** Waits until every task has a stored result; returns the date_done of each (ms), and the first and last. */
async function waitForResults(redis: Redis, ids: string[], timeoutMs: number): Promise<{ first: number; last: number; at: number[] } | undefined> {
  const deadline = Date.now() + timeoutMs;
  let pending = ids;
  const done: number[] = [];
  while (pending.length > 0) {
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 250));
    const still: string[] = [];
    for (let i = 0; i < pending.length; i += 1000) {
      const chunk = pending.slice(i, i + 1000);
      const values = await redis.mget(...chunk.map((id) => `celery-task-meta-${id}`));
      values.forEach((value, j) => {
        if (value === null) still.push(chunk[j]!);
        else done.push(Date.parse(`${(JSON.parse(value) as { date_done: string }).date_done.slice(0, 23)}Z`));
      });
      // Reading 20k results repeatedly would load Redis under the worker: stop at the first missing.
      if (still.length > 0) { still.push(...pending.slice(i + 1000)); break; }
    }
    pending = still;
  }
  return { first: Math.min(...done), last: Math.max(...done), at: done };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchWorker(Number(process.argv[2] ?? 20_000), Number(process.argv[3] ?? 2_000));
}
