/**
 * How long beat's start-up spends reading schedule files: 100,000 entries in one JSON file and in
 * one YAML file, read + parsed + validated by loadScheduleSources. Target: JSON well under 2 s.
 * Run: `npx tsx scripts/bench/schedule-files.ts`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { loadScheduleSources } from '../../src/beat/schedule-files.js';

const ENTRY_COUNT = Number(process.env.BENCH_ENTRIES ?? 100_000);
const ZONES = ['UTC', 'Europe/Stockholm', 'America/New_York', 'Asia/Shanghai', 'Australia/Sydney', 'Asia/Kolkata'];

/** A realistic mix: intervals in every syntax, cron strings and Celery crontabs in several zones, options. */
function makeEntry(i: number): Record<string, unknown> {
  const zone = ZONES[i % ZONES.length] as string;
  const minute = i % 60;
  const hour = i % 24;
  const schedules: unknown[] = [
    (i % 300) + 5,
    `${(i % 59) + 1}m`,
    `PT${(i % 23) + 1}H`,
    { every: (i % 10) + 1, period: 'minutes' },
    `${minute} ${hour} * * *`,
    `*/${(i % 30) + 1} * * * *`,
    `${minute} 9-17 * * mon-fri`,
    { cron: `${minute} ${hour} 1 * *`, timezone: zone },
    { crontab: { minute, hour: `*/${(i % 6) + 1}`, day_of_week: 'mon-fri' }, timezone: zone },
    { timedelta: { hours: (i % 12) + 1, minutes: 30 } },
  ];
  const entry: Record<string, unknown> = {
    task: `tasks.job_${i % 50}`,
    schedule: schedules[i % schedules.length],
    args: [i, 'x'],
  };
  if (i % 3 === 0) entry.kwargs = { tenant: `t${i % 97}` };
  if (i % 4 === 0) entry.options = { queue: `q${i % 8}`, priority: i % 10, expires: 300 };
  if (i % 5 === 0) entry.timezone = zone;
  if (i % 7 === 0) Object.assign(entry, { missed: 'all', catchup_limit: 10, grace: '1h', jitter: '30s' });
  return entry;
}

async function timeLoad(file: string): Promise<number> {
  const started = performance.now();
  const loaded = await loadScheduleSources([file]);
  const elapsed = performance.now() - started;
  if (loaded.errors.length || loaded.entries.length !== ENTRY_COUNT) {
    throw new Error(`expected ${ENTRY_COUNT} valid entries, got ${loaded.entries.length} and ${loaded.errors.length} errors: ${loaded.errors[0]?.message}`);
  }
  return elapsed;
}

export async function benchScheduleFiles(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'celeriac-bench-files-'));
  try {
    const document = {
      timezone: 'Europe/Stockholm',
      entries: Object.fromEntries(Array.from({ length: ENTRY_COUNT }, (_, i) => [`entry-${i}`, makeEntry(i)])),
    };
    const jsonFile = join(dir, 'big.json');
    const yamlFile = join(dir, 'big.yaml');
    await writeFile(jsonFile, JSON.stringify(document, null, 1));
    await writeFile(yamlFile, YAML.stringify(document));
    // The first load is what beat's start-up pays (cold JIT); YAML is slow enough that one run tells.
    for (const [label, file, repeats] of [['JSON', jsonFile, 3], ['YAML', yamlFile, 1]] as const) {
      const runs: number[] = [];
      for (let i = 0; i < repeats; i++) runs.push(await timeLoad(file));
      const best = Math.min(...runs);
      console.log(
        `schedule files: ${ENTRY_COUNT.toLocaleString('en-US')} entries, ${label}: first load ${runs[0]!.toFixed(0)} ms` +
          (repeats > 1 ? `, best of ${repeats} ${best.toFixed(0)} ms` : '') +
          ` (${Math.round(ENTRY_COUNT / (best / 1000)).toLocaleString('en-US')} entries/s)`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchScheduleFiles();
}
