import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { occurrenceTaskId } from '../../src/protocol/ids.js';
import { runCli } from '../helpers/cli.js';
import { CliProcess } from '../helpers/cli-process.js';
import { waitUntil } from '../helpers/wait.js';

const processes: CliProcess[] = [];
const dirs: string[] = [];
afterEach(() => { for (const p of processes.splice(0)) p.kill(); });
afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'celeriac-beat-cli-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function beat(cwd: string, args: string[] = []): CliProcess {
  const p = new CliProcess(['beat', '--broker', 'sqlite:///celeriac.db', '--schedules', 'jobs.yaml', ...args], {
    cwd,
    env: { CELERIAC_BROKER_URL: '', CELERIAC_SCHEDULES: '' },
  });
  processes.push(p);
  return p;
}

interface Queued { task: string; id: string; entry: string; occurrence: string; args: unknown }
function queued(cwd: string): Queued[] {
  const db = new Database(join(cwd, 'celeriac.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT payload FROM broker_messages ORDER BY id').all() as Array<{ payload: string }>;
    return rows.map(({ payload }) => {
      const envelope = JSON.parse(payload) as { headers: Record<string, string>; body: string };
      const [args] = JSON.parse(Buffer.from(envelope.body, 'base64').toString()) as [unknown];
      return { task: envelope.headers.task!, id: envelope.headers.id!, entry: envelope.headers.periodic_task_name!, occurrence: envelope.headers.celeriac_occurrence!, args };
    });
  } finally {
    db.close();
  }
}

const EVERY_SECOND = `entries:
  add:
    task: tasks.add
    schedule: 1s
    args: [2, 3]
`;

describe('celeriac beat on the embedded SQLite broker', () => {
  it('publishes each due task with its occurrence headers and deterministic id, and logs it as Celery beat does', async () => {
    const cwd = workspace({ 'jobs.yaml': EVERY_SECOND });
    const p = beat(cwd);
    await p.waitFor(/Sending due task add \(tasks\.add\)[\s\S]*Sending due task add/);
    expect(p.stdout).toContain('celeriac beat v');
    expect(p.stdout).toContain('. broker -> sqlite:///celeriac.db');
    expect(p.stderr).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: INFO\/MainProcess\] beat: Starting\.\.\./m);
    const messages = queued(cwd);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    for (const m of messages) {
      expect(m).toMatchObject({ task: 'tasks.add', entry: 'add', args: [2, 3] });
      expect(m.id).toBe(occurrenceTaskId('add', Date.parse(m.occurrence)));
    }
    expect(Date.parse(messages[1]!.occurrence) - Date.parse(messages[0]!.occurrence)).toBe(1000);
  });

  it('refuses to start on an invalid schedule, with exit status 2 naming the file, entry and field', async () => {
    const cwd = workspace({ 'jobs.yaml': 'entries:\n  broken:\n    task: t\n    schedule: "61 * * * *"\n' });
    const result = await runCli(['beat', '--broker', 'sqlite:///celeriac.db', '--schedules', 'jobs.yaml'], { cwd });
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/jobs\.yaml: entry "broken": field "schedule".*minute/);
    expect(existsSync(join(cwd, 'celeriac.db'))).toBe(false);
  });

  it('applies an edited schedule file within a second, and keeps the last good version when an edit is invalid', async () => {
    const cwd = workspace({ 'jobs.yaml': EVERY_SECOND });
    const p = beat(cwd);
    await p.waitFor(/Sending due task add/);

    writeFileSync(join(cwd, 'jobs.yaml'), `${EVERY_SECOND}  mul:\n    task: tasks.mul\n    schedule: 1s\n`);
    const edited = Date.now();
    await p.waitFor(/Sending due task mul \(tasks\.mul\)/, 3000);
    expect(Date.now() - edited).toBeLessThan(2500); // reload within 1 s, then the 1 s interval

    writeFileSync(join(cwd, 'jobs.yaml'), `${EVERY_SECOND}  mul:\n    task: tasks.mul\n    schedule: 1s\n    priority: 3\n`);
    await p.waitFor(/ERROR\/MainProcess\] beat: .*jobs\.yaml: entry "mul": field "priority".*keeping the last good version/);
    const before = p.count(/Sending due task mul/g);
    await waitUntil(() => p.count(/Sending due task mul/g) >= before + 2, 'mul to keep running on its last good definition');
    expect(p.child.exitCode).toBeNull();
  });

  it('reloads on SIGHUP', async () => {
    const cwd = workspace({ 'jobs.yaml': EVERY_SECOND });
    const p = beat(cwd, ['-l', 'debug']);
    await p.waitFor(/entries scheduled/);
    p.signal('SIGHUP');
    await p.waitFor(/Reloading schedules: SIGHUP/);
  });

  it('stops cleanly within two seconds on SIGTERM, with its state saved', async () => {
    const cwd = workspace({ 'jobs.yaml': EVERY_SECOND });
    const p = beat(cwd);
    await p.waitFor(/Sending due task add/);
    const signalled = Date.now();
    p.signal('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(2000);
    const db = new Database(join(cwd, 'celeriac.db'), { readonly: true });
    const state = db.prepare('SELECT last_run, runs FROM beat_state WHERE name = ?').get('add') as { last_run: number; runs: number };
    db.close();
    const messages = queued(cwd);
    expect(state.runs).toBe(messages.length);
    expect(state.last_run).toBe(Date.parse(messages.at(-1)!.occurrence));
  });

  it('refuses to start while a live beat holds its pidfile', async () => {
    const cwd = workspace({ 'jobs.yaml': EVERY_SECOND });
    const first = beat(cwd, ['--pidfile', 'beat.pid']);
    await first.waitFor(/entries scheduled/);
    const second = await runCli(['beat', '--broker', 'sqlite:///celeriac.db', '--schedules', 'jobs.yaml', '--pidfile', 'beat.pid'], { cwd });
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(`--pidfile beat.pid: already running as process ${first.pid}`);
    first.signal('SIGTERM');
    await first.exited;
    expect(existsSync(join(cwd, 'beat.pid'))).toBe(false);
  });

  it('rejects an unknown time zone with exit status 2', async () => {
    const cwd = workspace({ 'jobs.yaml': EVERY_SECOND });
    const result = await runCli(['beat', '--schedules', 'jobs.yaml', '--timezone', 'Mars/Olympus'], { cwd });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--timezone: .*Mars\/Olympus/);
  });
});
