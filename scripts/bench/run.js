// `npm run bench [-- name...]`: runs the benchmarks one after the other (after `npm run build`) and
// prints their figures. The .ts benches run through tsx. A name picks benches: `npm run bench -- beat`.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = import.meta.resolve('tsx');

/** In running order, with what each measures. */
const BENCHES = [
  ['cron', 'cron engine: compile + next of 100k entries, against cron-parser'],
  ['schedule-files', 'loading 100k entries from JSON and YAML schedule files'],
  ['broker', 'broker adapters: encode, publish, consume + ack'],
  ['worker', 'celeriac worker against a Python Celery worker, no-op tasks through Redis'],
  ['beat', 'celeriac beat at 1k-100k entries, a 100k burst, idle, against Celery beat'],
  ['store', 'the schedule store at 100k entries: edit to beat latency, change log against full reads'],
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BENCHES.some(([bench]) => bench === name));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')} (benches: ${BENCHES.map(([name]) => name).join(', ')})`);
  process.exit(2);
}

function run(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, file], { cwd: root, stdio: 'inherit' });
    child.on('close', (code, signal) => resolve(signal ?? code));
  });
}

const failed = [];
for (const [name, what] of BENCHES.filter(([bench]) => wanted.length === 0 || wanted.includes(bench))) {
  const file = `scripts/bench/${name}.ts`;
  console.log(`\n=== ${name}: ${what} (${file}; load average ${loadavg().map((n) => n.toFixed(2)).join(' ')})`);
  const started = Date.now();
  const status = await run(file);
  console.log(`=== ${name}: ${status === 0 ? 'done' : `FAILED (${status})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nbenches that failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
