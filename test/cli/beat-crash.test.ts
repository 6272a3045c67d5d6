import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { occurrenceTaskId } from '../../src/protocol/ids.js';
import { CliProcess } from '../helpers/cli-process.js';
import { redisRequirement, requireServices, REDIS_HOST, REDIS_PORT } from '../helpers/services.js';
import { sleep } from '../helpers/wait.js';

const ENTRIES = 100;
const KILLS = 8;
const REDIS_DB = 3;

const hasRedis = requireServices('beat crash test on Redis', [await redisRequirement()]);
const processes: CliProcess[] = [];
const dirs: string[] = [];
afterEach(() => { for (const p of processes.splice(0)) p.kill(); });
afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

interface Sent { id: string; entry: string; occurrenceMs: number }

/**
 * Starts a real beat in `cwd`, kills it with SIGKILL at random moments while 100 entries are due
 * every second, restarts it each time, and finally stops it cleanly.
 */
async function killRepeatedly(cwd: string, broker: string, queue: string, names: string[]): Promise<void> {
  const entries = names.map((name) => `  ${name}:\n    task: tasks.crash\n    schedule: 1s\n    missed: all\n    options: { queue: ${queue} }\n`).join('');
  writeFileSync(join(cwd, 'jobs.yaml'), `entries:\n${entries}`);
  // Each kill lands at a random moment once beat runs (start-up time varies with the machine's load).
  const start = async () => {
    const p = new CliProcess(['beat', '--broker', broker, '--schedules', 'jobs.yaml'], { cwd });
    processes.push(p);
    await p.waitFor(/entries scheduled/);
    return p;
  };
  let beat = await start();
  for (let kill = 0; kill < KILLS; kill++) {
    await sleep(200 + Math.random() * 1300);
    beat.kill();
    await beat.exited;
    beat = await start();
  }
  await sleep(2500);
  beat.signal('SIGTERM');
  expect(await beat.exited).toBe(0);
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'celeriac-beat-crash-'));
  dirs.push(dir);
  return dir;
}

/** No id twice, each id the occurrence's, and every entry's occurrences an unbroken 1 s grid. */
function expectExactlyOnce(sent: Sent[], names: string[]): void {
  const ids = sent.map((s) => s.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const s of sent) expect(s.id).toBe(occurrenceTaskId(s.entry, s.occurrenceMs));
  for (const name of names) {
    const times = sent.filter((s) => s.entry === name).map((s) => s.occurrenceMs).sort((a, b) => a - b);
    expect(times.length, `${name}: ${sent.length} messages in all`).toBeGreaterThan(8);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.every((gap) => gap === 1000), `${name}: gaps ${gaps.join(',')}`).toBe(true);
  }
}

function fromEnvelope(raw: string): Sent {
  const headers = (JSON.parse(raw) as { headers: Record<string, string> }).headers;
  return { id: headers.id!, entry: headers.periodic_task_name!, occurrenceMs: Date.parse(headers.celeriac_occurrence!) };
}

describe('beat killed with SIGKILL during a burst, then restarted', () => {
  it('on the SQLite broker: loses no occurrence and duplicates none', async () => {
    const cwd = tempDir();
    const names = Array.from({ length: ENTRIES }, (_, i) => `crash-${i}`);
    await killRepeatedly(cwd, 'sqlite:///celeriac.db', 'celery', names);
    const db = new Database(join(cwd, 'celeriac.db'), { readonly: true });
    const rows = db.prepare('SELECT payload FROM broker_messages').all() as Array<{ payload: string }>;
    db.close();
    expectExactlyOnce(rows.map((r) => fromEnvelope(r.payload)), names);
  }, 60_000);

  it.runIf(hasRedis)('on Redis: loses no occurrence and duplicates none', async () => {
    const run = randomUUID().slice(0, 8);
    const queue = `crash-${run}`;
    const names = Array.from({ length: ENTRIES }, (_, i) => `crash-${run}-${i}`);
    const redis = new Redis({ host: REDIS_HOST, port: REDIS_PORT, db: REDIS_DB });
    try {
      await killRepeatedly(tempDir(), `redis://${REDIS_HOST}:${REDIS_PORT}/${REDIS_DB}`, queue, names);
      const raw = await redis.lrange(queue, 0, -1);
      expectExactlyOnce(raw.map(fromEnvelope), names);
    } finally {
      await redis.del(queue, `_kombu.binding.${queue}`);
      for (const key of ['celeriac:beat:meta', 'celeriac:beat:last', 'celeriac:beat:runs']) await redis.hdel(key, ...names);
      redis.disconnect();
    }
  }, 60_000);
});
