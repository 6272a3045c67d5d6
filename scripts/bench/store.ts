/**
 * The schedule store at scale: 100,000 entries in the store, beat running on them (in this process,
 * embedded SQLite broker in the store's file), and single edits made meanwhile, from another
 * connection (as a second process would) and by the real `celeriac schedule edit` command.
 * Latency is measured from the edit's commit (its change log timestamp) to the end of beat's
 * updateEntries for that entry. It also times one look at the change log (what beat does every
 * 250 ms) against one full read of the store, to show that an edit costs beat no full scan.
 * Run: `npx tsx scripts/bench/store.ts [entries]` (default 100,000).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { BeatService } from '../../src/beat/service.js';
import { parseEntry } from '../../src/schedule/entry.js';
import type { Entry } from '../../src/schedule/entry-types.js';
import { ScheduleStore } from '../../src/store/store.js';
import { Logger } from '../../src/util/log.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIBRARY_EDITS = 50;
const CLI_EDITS = 3;
const ZONES = ['UTC', 'Europe/Stockholm', 'America/New_York', 'Asia/Shanghai'];

/** Entries that mostly wait (hourly to daily), as a large store's do: beat holds them all, sends few. */
function makeEntry(i: number): Entry {
  const schedules: unknown[] = [
    `${(i % 23) + 1}h`,
    `${i % 60} ${i % 24} * * *`,
    { crontab: { minute: i % 60, hour: (i * 7) % 24, day_of_week: i % 7 }, timezone: ZONES[i % ZONES.length] },
    { every: (i % 12) + 1, period: 'hours' },
  ];
  return parseEntry(`entry-${i}`, {
    task: `tasks.job_${i % 50}`,
    schedule: schedules[i % schedules.length],
    args: [i],
    ...(i % 3 === 0 ? { kwargs: { tenant: `t${i % 97}` } } : {}),
    ...(i % 4 === 0 ? { options: { queue: `q${i % 8}`, priority: i % 10 } } : {}),
    ...(i % 5 === 0 ? { timezone: ZONES[i % ZONES.length] } : {}),
  }, { source: 'store' });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms (${sorted.length} edits)`;
}

/** Micro-seconds per call, best of a few rounds. */
function timeCall(fn: () => unknown, calls: number): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    best = Math.min(best, ((performance.now() - start) * 1000) / calls);
  }
  return best;
}

/** Resolves with the wall-clock time beat finishes applying a change to `name`. */
function appliedAt(service: BeatService, name: string): Promise<number> {
  return new Promise((resolve) => {
    const onReloaded = (change: { added: string[]; changed: string[] }): void => {
      if (!change.changed.includes(name) && !change.added.includes(name)) return;
      service.beat.off('reloaded', onReloaded);
      resolve(Date.now());
    };
    service.beat.on('reloaded', onReloaded);
  });
}

/** When the store committed the latest change of `name` (its change log timestamp, ms). */
function committedAt(file: string, name: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT changed_at FROM store_changes WHERE name = ?').get(name) as { changed_at: number }).changed_at;
  } finally {
    db.close();
  }
}

function runCliEdit(file: string, name: string, schedule: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/main.ts'), 'schedule', 'edit', name, '--schedule', schedule, '--store', file], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`celeriac schedule edit exited ${code}`))));
  });
}

export async function benchStore(count = 100_000): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'celeriac-bench-store-'));
  const file = join(dir, 'celeriac.db');
  let service: BeatService | undefined;
  const editor = ScheduleStore.open(file);
  try {
    let started = performance.now();
    editor.import(Array.from({ length: count }, (_, i) => makeEntry(i)));
    console.log(`store: ${count.toLocaleString('en-US')} entries (hourly to daily intervals, daily and weekly cron) imported in ${(performance.now() - started).toFixed(0)} ms`);

    started = performance.now();
    service = await BeatService.start({
      brokerUrl: `sqlite:///${file}`, schedulePaths: [], storePath: file, watch: false,
      logger: new Logger({ level: 'WARNING' }),
    });
    const startedMs = performance.now() - started;
    // Beat plans every entry as it registers it, so its start is done when start() returns.
    console.log(
      `  beat start-up with them (read, validate, register, plan): ${startedMs.toFixed(0)} ms; ` +
        `${service.beat.entryCount.toLocaleString('en-US')} entries scheduled`,
    );

    const { seq } = editor.snapshot();
    const idleLookUs = timeCall(() => editor.changesSince(seq), 2000);
    const fullReadMs = timeCall(() => editor.list(), 1) / 1000;
    console.log(`  one look at the change log (beat, every 250 ms): ${idleLookUs.toFixed(1)} µs with nothing changed; one full read of the store: ${fullReadMs.toFixed(0)} ms`);

    const latencies: number[] = [];
    for (let i = 0; i < LIBRARY_EDITS; i++) {
      const name = `entry-${Math.floor(Math.random() * count)}`;
      const applied = appliedAt(service, name);
      // Minutes: makeEntry writes hours, so every edit is a change.
      editor.edit(name, (row) => parseEntry(name, { ...row.raw, schedule: `${(i % 20) + 61}m` }, { source: 'store' }));
      latencies.push((await applied) - committedAt(file, name));
      // Edits land at any point of beat's polling cycle.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
    }
    const afterOne = editor.snapshot().seq - 1;
    const oneChangeUs = timeCall(() => editor.changesSince(afterOne), 2000);
    console.log(`  one look that finds one changed entry: ${oneChangeUs.toFixed(1)} µs`);
    console.log(`  edit (another connection) → applied by beat: ${summary(latencies)} (target < 1000 ms)`);

    const cliLatencies: number[] = [];
    for (let i = 0; i < CLI_EDITS; i++) {
      const name = `entry-${Math.floor(Math.random() * count)}`;
      const applied = appliedAt(service, name);
      await runCliEdit(file, name, `${i + 30}m`);
      cliLatencies.push((await applied) - committedAt(file, name));
    }
    console.log(`  celeriac schedule edit (a real CLI process) → applied by beat: ${summary(cliLatencies)}`);
  } finally {
    editor.close();
    await service?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchStore(process.argv[2] ? Number(process.argv[2]) : undefined);
}
