/**
 * The example worker module: `npm start` runs beat with schedules/example.yaml and a worker on this
 * module, both on the embedded SQLite broker (./celeriac.db). Run it alone with
 * `npx celeriac worker -A examples/tasks.ts`, or point it elsewhere with --broker / --result-backend.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Celeriac, type TaskContext } from '../src/index.js';

export const app = new Celeriac({
  taskRoutes: { 'reports.*': 'celery' },
});

export const add = app.task('tasks.add', (x: number, y: number) => x + y);

export const log = app.task('tasks.log', (message: string) => {
  process.stdout.write(`tasks.log: ${message}\n`);
  return message;
});

/** An I/O-shaped task: it waits, honours its soft time limit through the signal, and retries on failure. */
export const weeklyReport = app.task('reports.weekly', { softTimeLimit: 60, maxRetries: 5 }, async function (this: TaskContext, options?: { format?: string }) {
  await sleep(200, undefined, { signal: this.signal });
  return { report: 'weekly', format: options?.format ?? 'html', generatedBy: this.hostname };
});

export const backup = app.task('ops.backup', { acksLate: true, timeLimit: 3600 }, async function (this: TaskContext) {
  await sleep(500, undefined, { signal: this.signal });
  return { backedUp: true, attempt: this.retries + 1 };
});
