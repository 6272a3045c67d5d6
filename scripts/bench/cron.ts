/**
 * The cron engine: next runs of 100,000 cron entries spread over 20 zones (target: compile + next
 * under 1 s in total), and next() side by side with cron-parser's next() (with its tz option) on
 * the same expressions and instants, for zoned and for UTC entries (targets: ≥20x and ≥10x).
 * next() rates exclude compiling (ours: compileCron; cron-parser: CronExpressionParser.parse).
 * Compiling is printed too: for this mix (entries share expressions, which compile once) and for
 * expressions that are all new.
 * Run: `npx tsx scripts/bench/cron.ts`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CronExpressionParser } from 'cron-parser';
import { compileCron, nextCron } from '../../src/schedule/cron.js';
import type { CronSchedule } from '../../src/schedule/types.js';

const ENTRY_COUNT = 100_000;
/** Expressions compiled once each, for the rate of compiling text never seen before. */
const DISTINCT_COUNT = 10_000;
/** cron-parser is slow enough that a sample gives its rate. */
const CRON_PARSER_SAMPLE = 10_000;
const ZONES = [
  'UTC', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'America/Sao_Paulo', 'America/St_Johns',
  'Europe/London', 'Europe/Stockholm', 'Europe/Berlin', 'Europe/Moscow', 'Africa/Casablanca', 'Asia/Tehran',
  'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Shanghai', 'Asia/Tokyo', 'Australia/Sydney', 'Australia/Lord_Howe',
  'Pacific/Auckland', 'Pacific/Chatham',
];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A realistic mix: fixed times, steps, ranges, names, month days, weekdays, both day fields, L and #. */
function expression(i: number): string {
  const minute = Math.floor(i / 16) % 60;
  const hour = Math.floor(i / 960) % 24;
  const weekday = WEEKDAYS[Math.floor(i / 16) % 7]!;
  const templates = [
    `${minute} ${hour} * * *`,
    `*/${[5, 10, 15, 20, 30][i % 5]} * * * *`,
    `${minute} 9-17 * * mon-fri`,
    `0 */${[2, 3, 4, 6, 8, 12][i % 6]} * * *`,
    `${minute} ${hour} 1 * *`,
    `${minute} ${hour} * * ${weekday}`,
    `${minute} ${hour} 1,15 * *`,
    `*/5 9-17 * * 1-5`,
    `${minute} ${hour} 1 jan,apr,jul,oct *`,
    `0 ${hour} 1 * 1`,
    `${minute} ${hour} L * *`,
    `${minute} ${hour} * * 5#${(i % 4) + 1}`,
    `${minute} 1-5 * * sat,sun`,
    `${(i * 13) % 60} ${minute} ${hour} * * *`,
    `${minute},${(minute + 30) % 60} ${hour} * * *`,
    `0 0 * * 0`,
  ];
  return templates[i % templates.length]!;
}

interface BenchEntry {
  expression: string;
  zone: string;
  /** The last run: spread over a year from 2026-01-01, so clock changes are crossed. */
  afterMs: number;
}

function entries(zoneOf: (i: number) => string): BenchEntry[] {
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  return Array.from({ length: ENTRY_COUNT }, (_, i) => ({
    expression: expression(i),
    zone: zoneOf(i),
    afterMs: base + ((i * 7_919_017) % (365 * 86_400_000)),
  }));
}

function perSecond(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

function timeOurs(list: BenchEntry[], schedules: CronSchedule[]): { ms: number; results: Array<number | null> } {
  const results: Array<number | null> = new Array(list.length);
  const start = performance.now();
  for (let i = 0; i < list.length; i++) results[i] = nextCron(schedules[i]!, list[i]!.afterMs);
  return { ms: performance.now() - start, results };
}

function timeCronParser(list: BenchEntry[]): { ms: number; results: number[] } {
  const parsed = list.map((entry) =>
    CronExpressionParser.parse(entry.expression, { tz: entry.zone, currentDate: new Date(entry.afterMs) }),
  );
  const results: number[] = new Array(list.length);
  const start = performance.now();
  for (let i = 0; i < parsed.length; i++) results[i] = parsed[i]!.next().getTime();
  return { ms: performance.now() - start, results };
}

/** Every n-th entry, n chosen so the sample has `size` entries. */
function sample<T>(list: T[], size: number): number[] {
  const step = Math.max(1, Math.floor(list.length / size));
  return Array.from({ length: Math.min(size, list.length) }, (_, k) => k * step);
}

function compare(label: string, list: BenchEntry[], schedules: CronSchedule[]): void {
  const indexes = sample(list, CRON_PARSER_SAMPLE);
  const subset = indexes.map((i) => list[i]!);
  const subsetSchedules = indexes.map((i) => schedules[i]!);
  const ours = timeOurs(list, schedules);
  const theirs = timeCronParser(subset);
  const ourRate = (list.length / ours.ms) * 1000;
  const theirRate = (subset.length / theirs.ms) * 1000;
  const agree = subset.filter((entry, k) => nextCron(subsetSchedules[k]!, entry.afterMs) === theirs.results[k]).length;
  console.log(
    `  ${label}: celeriac ${perSecond(list.length, ours.ms)} (${list.length.toLocaleString('en-US')}), ` +
      `cron-parser ${perSecond(subset.length, theirs.ms)} (${subset.length.toLocaleString('en-US')} sampled): ` +
      `${(ourRate / theirRate).toFixed(0)}x; same answer for ${agree.toLocaleString('en-US')} of ${subset.length.toLocaleString('en-US')}`,
  );
}

export async function benchCron(): Promise<void> {
  console.log(`cron engine: ${ENTRY_COUNT.toLocaleString('en-US')} entries over ${ZONES.length} zones`);
  const spread = entries((i) => ZONES[i % ZONES.length]!);

  let start = performance.now();
  const schedules = spread.map((entry) => compileCron(entry.expression, entry.zone));
  const compileMs = performance.now() - start;
  const distinct = new Set(spread.map((entry) => entry.expression)).size;
  console.log(`  compile: ${compileMs.toFixed(0)} ms (${perSecond(spread.length, compileMs)}; ${distinct.toLocaleString('en-US')} distinct expressions, each parsed once)`);
  const unique = Array.from({ length: DISTINCT_COUNT }, (_, i) => `${i % 60} ${Math.floor(i / 60) % 60} ${Math.floor(i / 3600) % 24} * * *`);
  start = performance.now();
  for (const text of unique) compileCron(text, 'Europe/Stockholm');
  const uniqueMs = performance.now() - start;
  console.log(`  compile, every expression new: ${perSecond(unique.length, uniqueMs)} (${unique.length.toLocaleString('en-US')})`);

  start = performance.now();
  for (let i = 0; i < spread.length; i++) nextCron(schedules[i]!, spread[i]!.afterMs);
  const firstNextMs = performance.now() - start;
  console.log(`  next, first pass (builds each zone's offset table): ${firstNextMs.toFixed(0)} ms (${perSecond(spread.length, firstNextMs)})`);
  console.log(`  total compile + next: ${(compileMs + firstNextMs).toFixed(0)} ms (target < 1000 ms)`);

  console.log('  next() rates (targets: zoned ≥ 20x, UTC ≥ 10x):');
  const zoned = spread.filter((entry) => entry.zone !== 'UTC');
  compare('zoned', zoned, schedules.filter((schedule) => schedule.timezone !== 'UTC'));
  const utc = entries(() => 'UTC');
  compare('UTC  ', utc, utc.map((entry) => compileCron(entry.expression, entry.zone)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchCron();
}
