/**
 * `celeriac schedule` store commands against a real `celeriac beat` process on the embedded SQLite
 * broker: every change reaches the running beat within a second, through the change log.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { occurrenceTaskId } from '../../src/protocol/ids.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { CliProcess } from '../helpers/cli-process.js';
import { sleep, waitUntil } from '../helpers/wait.js';
import { queuedMessages, type QueuedMessage } from '../store/helpers.js';

const EDIT_LOOP = fileURLToPath(new URL('../store/fixtures/edit-loop.ts', import.meta.url));
const processes: CliProcess[] = [];
const dirs: string[] = [];
afterEach(() => { for (const p of processes.splice(0)) p.kill(); });
afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

/** A folder whose celeriac.db is broker, beat state and store at once (the embedded default). */
class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'celeriac-store-cli-'));
  readonly db = join(this.dir, 'celeriac.db');

  constructor() {
    dirs.push(this.dir);
  }

  schedule(...args: string[]): Promise<CliResult> {
    return runCli(['schedule', ...args, '--store', 'celeriac.db'], { cwd: this.dir });
  }

  async ok(...args: string[]): Promise<string> {
    const result = await this.schedule(...args);
    if (result.status !== 0) throw new Error(`celeriac schedule ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return result.stdout;
  }

  async beat(...args: string[]): Promise<CliProcess> {
    const beat = new CliProcess(['beat', '--broker', 'sqlite:///celeriac.db', '--store', 'celeriac.db', ...args], { cwd: this.dir });
    processes.push(beat);
    await beat.waitFor(/entries scheduled/);
    return beat;
  }

  sent(entry: string): QueuedMessage[] {
    return queuedMessages(this.db).filter((message) => message.entry === entry);
  }
}

/** Waits until beat has applied `n` store changes in all (it logs each batch it applies). */
function applied(beat: CliProcess, n: number): Promise<void> {
  return waitUntil(() => beat.count(/Schedule store changed/g) >= n, `beat to apply ${n} store change(s)`, 5000);
}

function spacing(messages: QueuedMessage[]): number[] {
  return messages.slice(1).map((m, i) => Date.parse(m.occurrence!) - Date.parse(messages[i]!.occurrence!));
}

describe('celeriac schedule with a running beat', () => {
  it('add: beat publishes the new entry within 2 s; disable: nothing more; enable: it runs again', async () => {
    const w = new Workspace();
    const beat = await w.beat();
    await w.ok('add', 'tick', '--task', 'tasks.add', '--schedule', '1s', '--args', '[2, 3]');
    await waitUntil(() => w.sent('tick').length > 0, 'the added entry to be published', 2000);
    const [first] = w.sent('tick');
    expect(first).toMatchObject({ task: 'tasks.add', args: [2, 3], id: occurrenceTaskId('tick', Date.parse(first!.occurrence!)) });

    await w.ok('disable', 'tick');
    await applied(beat, 2);
    const sentWhileEnabled = w.sent('tick').length;
    await sleep(2500);
    expect(w.sent('tick')).toHaveLength(sentWhileEnabled);

    await w.ok('enable', 'tick');
    const enabledAt = Date.now();
    await waitUntil(() => w.sent('tick').length > sentWhileEnabled, 'the re-enabled entry to run', 2000);
    // The disabled stretch is not caught up: the next occurrence comes after the enabling.
    expect(Date.parse(w.sent('tick')[sentWhileEnabled]!.occurrence!)).toBeGreaterThan(enabledAt - 1000);
  });

  it('edit: a changed schedule takes effect with its new cadence, other fields unchanged', async () => {
    const w = new Workspace();
    await w.ok('add', 'pulse', '--task', 'tasks.add', '--schedule', '1s', '--kwargs', '{n: 1}');
    const beat = await w.beat();
    await waitUntil(() => w.sent('pulse').length >= 2, 'two runs a second apart');
    expect(spacing(w.sent('pulse'))[0]).toBe(1000);

    await w.ok('edit', 'pulse', '--schedule', '2s');
    await applied(beat, 1);
    const before = w.sent('pulse').length;
    await waitUntil(() => w.sent('pulse').length >= before + 3, 'three runs on the new schedule', 8000);
    const after = w.sent('pulse').slice(before);
    expect(spacing(after)).toEqual([2000, 2000]);
    expect(after[0]!.kwargs).toEqual({ n: 1 });
  });

  it('remove: beat stops sending the entry, and the store no longer knows it', async () => {
    const w = new Workspace();
    await w.ok('add', 'gone', '--task', 'tasks.add', '--schedule', '1s');
    const beat = await w.beat();
    await waitUntil(() => w.sent('gone').length > 0, 'a first run');
    await w.ok('remove', 'gone');
    await applied(beat, 1);
    const count = w.sent('gone').length;
    await sleep(2000);
    expect(w.sent('gone')).toHaveLength(count);
    const show = await w.schedule('show', 'gone');
    expect(show.status).toBe(2);
    expect(show.stderr).toBe(`celeriac: no entry "gone" in the schedule store ${w.db}\n`);
  });

  it('run-now: publishes once now with a fresh task id, recorded as a manual run; beat is not disturbed', async () => {
    const w = new Workspace();
    await w.ok('add', 'report', '--task', 'reports.weekly', '--schedule', '0 7 * * mon', '--kwargs', '{format: pdf}', '--queue', 'reports');
    await w.beat();
    const sent = JSON.parse(await w.ok('run-now', 'report', '--broker', 'sqlite:///celeriac.db', '--json')) as { taskId: string; queue: string };
    expect(sent.queue).toBe('reports');
    expect(sent.taskId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(queuedMessages(w.db, 'reports')).toEqual([
      { id: sent.taskId, task: 'reports.weekly', entry: 'report', occurrence: undefined, args: [], kwargs: { format: 'pdf' } },
    ]);
    const shown = JSON.parse(await w.ok('show', 'report', '--json')) as { runs: Array<{ taskId: string; manual: boolean }>; nextRuns: string[] };
    expect(shown.runs).toEqual([expect.objectContaining({ taskId: sent.taskId, manual: true })]);
    expect(new Date(shown.nextRuns[0]!).getUTCDay()).toBe(1);

    const missing = await w.schedule('run-now', 'report');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("required option '--broker <url>' not specified");
  });

  it('concurrent read-modify-write edits from two processes while beat runs lose no update', async () => {
    const w = new Workspace();
    await w.ok('add', 'counted', '--task', 'tasks.add', '--schedule', '1s', '--kwargs', '{total: 0}');
    const beat = await w.beat();
    const EDITS = 300;
    const startAt = String(Date.now() + 2500);
    const loop = (counter: string) => new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), EDIT_LOOP, w.db, 'counted', counter, String(EDITS), startAt], { stdio: 'inherit' });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    expect(await Promise.all([loop('a'), loop('b')])).toEqual([0, 0]);

    const exported = await w.ok('export', '--format', 'json');
    expect((JSON.parse(exported) as { entries: Record<string, { kwargs: unknown }> }).entries.counted!.kwargs).toEqual({ total: 2 * EDITS, a: EDITS, b: EDITS });
    // And beat ends up running the final definition.
    await waitUntil(() => w.sent('counted').some((m) => m.kwargs.total === 2 * EDITS), 'beat to send the final definition', 5000);
    expect(beat.child.exitCode).toBeNull();
  });

  it('beat refuses to start when a store entry has the name of a file entry, naming both', async () => {
    const w = new Workspace();
    writeFileSync(join(w.dir, 'jobs.yaml'), 'entries:\n  shared:\n    task: tasks.file\n    schedule: 1m\n');
    await w.ok('add', 'shared', '--task', 'tasks.store', '--schedule', '1m');
    const result = await runCli(['beat', '--broker', 'sqlite:///celeriac.db', '--store', 'celeriac.db', '--schedules', 'jobs.yaml'], { cwd: w.dir });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toBe('celeriac: jobs.yaml: entry "shared": name already defined in the schedule store');
  });
});

describe('celeriac schedule: bad input is refused with exit status 2 and the store unchanged', () => {
  const w = new Workspace();

  it('names the entry and the field, as for schedule files', async () => {
    await w.ok('add', 'job', '--task', 'tasks.add', '--schedule', '30s');
    const before = await w.ok('export');
    const cases: Array<[string[], string]> = [
      [['add', 'bad', '--task', 'tasks.add', '--schedule', '61 * * * *'], 'celeriac: entry "bad": field "schedule": cron "61 * * * *": minute 61 is out of range 0-59'],
      [['add', 'bad', '--task', 'tasks.add', '--schedule', '30s', '--priority', '12'], 'celeriac: entry "bad": field "options.priority": must be an integer 0-9, got number 12'],
      [['add', 'bad', '--schedule', '30s'], 'celeriac: entry "bad": field "task": is required'],
      [['add', 'bad', '--entry', '{task: t, schedule: 30s, colour: red}'], 'celeriac: entry "bad": field "colour": unknown field (allowed: task, schedule, args, kwargs, options, timezone, enabled, description, start, end, limit, jitter, missed, grace, catchup_limit)'],
      [['add', 'bad', '--task', 't', '--schedule', '30s', '--args', '[1, 2'], 'celeriac: --args: not valid JSON or YAML: '],
      [['add', 'job', '--task', 'tasks.add', '--schedule', '1m'], `celeriac: entry "job" is already in the schedule store ${w.db} (use edit to change it)`],
      [['edit', 'job', '--missed', 'sometimes'], 'celeriac: entry "job": field "missed": must be one of once, skip, all, got "sometimes"'],
      [['edit', 'job', '--unset', 'task'], 'celeriac: entry "job": field "task": is required'],
      [['edit', 'job', '--unset', 'description'], 'celeriac: --unset description: entry "job" has no field "description"'],
      [['edit', 'job'], 'celeriac: edit: nothing to change: give fields as flags, --entry or --unset'],
      [['edit', 'ghost', '--schedule', '1m'], `celeriac: no entry "ghost" in the schedule store ${w.db}`],
      [['remove', 'ghost'], `celeriac: no entry "ghost" in the schedule store ${w.db}`],
      [['enable', 'ghost'], `celeriac: no entry "ghost" in the schedule store ${w.db}`],
    ];
    const results = await Promise.all(cases.map(([args]) => w.schedule(...args)));
    results.forEach((result, i) => {
      const [args, message] = cases[i]!;
      expect({ args, status: result.status, stderr: result.stderr.split('\n')[0]!.slice(0, message.length) }).toEqual({ args, status: 2, stderr: message });
    });
    expect(await w.ok('export')).toBe(before);
  });

  it("still lists entries when beat's state cannot be read, saying why", async () => {
    const store = ['--store', 'unreachable-state.db'];
    expect((await runCli(['schedule', 'add', 'job', '--task', 'tasks.add', '--schedule', '30s', ...store], { cwd: w.dir })).status).toBe(0);
    const result = await runCli(['schedule', 'list', '--broker', 'redis://127.0.0.1:1/9', '--json', ...store], { cwd: w.dir });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^celeriac: warning: cannot read beat state from redis:\/\/127\.0\.0\.1:1\/9: .*; next runs are computed from now\n$/);
    expect((JSON.parse(result.stdout) as Array<{ name: string; nextRun: string }>).map((entry) => entry.name)).toEqual(['job']);
  });

  it('refuses a store that does not exist, rather than making an empty one', async () => {
    const result = await runCli(['schedule', 'list', '--store', 'nowhere.db'], { cwd: w.dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`celeriac: no schedule store at ${join(w.dir, 'nowhere.db')} (give --store, or add entries first)\n`);
  });
});
