import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScheduleError, UsageError } from '../../src/errors.js';
import { parseEntry } from '../../src/schedule/entry.js';
import { ScheduleStore } from '../../src/store/store.js';
import { ManualClock } from '../../src/util/clock.js';
import { storeEntry, tempDir } from './helpers.js';

const dir = tempDir();
let opened: ScheduleStore[] = [];
let files = 0;
afterEach(() => {
  for (const store of opened) store.close();
  opened = [];
});

function openStore(options: { clock?: ManualClock; keepRuns?: number; busyTimeoutMs?: number; path?: string } = {}): ScheduleStore {
  const store = ScheduleStore.open(options.path ?? join(dir, `store-${files++}.db`), options);
  opened.push(store);
  return store;
}

describe('ScheduleStore entries', () => {
  it('keeps an added entry in its file form, with created and updated times', () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const store = openStore({ clock });
    store.add(storeEntry('nightly', { schedule: '0 2 * * *', args: [1], options: { queue: 'ops' } }));
    expect(store.get('nightly')).toEqual({
      name: 'nightly',
      // The zone the cron entry was read in is pinned, so it means the same wherever it is read.
      raw: { task: 'tasks.add', schedule: '0 2 * * *', args: [1], options: { queue: 'ops' }, timezone: 'UTC' },
      createdAtMs: clock.now(),
      updatedAtMs: clock.now(),
    });
    expect(store.get('missing')).toBeNull();
  });

  it('refuses to add a name that is already there, leaving the entry as it was', () => {
    const store = openStore();
    store.add(storeEntry('job'));
    expect(() => store.add(storeEntry('job', { task: 'other' }))).toThrow(new UsageError(`entry "job" is already in the schedule store ${store.path} (use edit to change it)`));
    expect(store.get('job')!.raw.task).toBe('tasks.add');
  });

  it('edits an entry from its current row, and records when', async () => {
    const clock = new ManualClock(1_000);
    const store = openStore({ clock });
    store.add(storeEntry('job', { description: 'before' }));
    await clock.advance(5_000);
    const changed = store.edit('job', (current) => parseEntry('job', { ...current.raw, description: 'after' }));
    expect(changed).toBe(true);
    expect(store.get('job')).toMatchObject({ raw: { task: 'tasks.add', schedule: '30s', description: 'after' }, createdAtMs: 1_000, updatedAtMs: 6_000 });
  });

  it('writes nothing when an edit leaves the definition as it was', () => {
    const store = openStore();
    store.add(storeEntry('job'));
    const { seq } = store.snapshot();
    expect(store.edit('job', (current) => parseEntry('job', current.raw))).toBe(false);
    expect(store.snapshot().seq).toBe(seq);
  });

  it('keeps the row unchanged when an edit fails validation', () => {
    const store = openStore();
    store.add(storeEntry('job'));
    expect(() => store.edit('job', (current) => parseEntry('job', { ...current.raw, schedule: '61 * * * *' }))).toThrow(ScheduleError);
    expect(store.get('job')!.raw.schedule).toBe('30s');
  });

  it('refuses to edit, enable, disable or remove an unknown name', () => {
    const store = openStore();
    const unknown = new UsageError(`no entry "ghost" in the schedule store ${store.path}`);
    expect(() => store.edit('ghost', () => storeEntry('ghost'))).toThrow(unknown);
    expect(() => store.setEnabled('ghost', false)).toThrow(unknown);
    expect(() => store.remove('ghost')).toThrow(unknown);
  });

  it('disables and enables an entry without touching its definition', () => {
    const store = openStore();
    store.add(storeEntry('job', { description: 'kept' }));
    expect(store.setEnabled('job', false)).toBe(true);
    expect(store.get('job')!.raw).toEqual({ task: 'tasks.add', schedule: '30s', description: 'kept', enabled: false });
    expect(store.parse(store.get('job')!).enabled).toBe(false);
    expect(store.setEnabled('job', false)).toBe(false);
    expect(store.setEnabled('job', true)).toBe(true);
    expect(store.get('job')!.raw.enabled).toBeUndefined();
  });

  it('removes an entry together with its run history', () => {
    const store = openStore();
    store.add(storeEntry('job'));
    store.history.record([{ name: 'job', occurrenceMs: 1, sentAtMs: 2, taskId: 'a', manual: false }]);
    store.remove('job');
    expect(store.get('job')).toBeNull();
    expect(store.history.recent('job', 10)).toEqual([]);
  });

  it('imports all entries or none: a name already there is an error naming the file and entry', () => {
    const store = openStore();
    store.add(storeEntry('existing'));
    const fromFile = (name: string) => parseEntry(name, { task: 'tasks.file', schedule: '1m' }, { file: 'jobs.yaml' });
    expect(() => store.import([fromFile('new'), fromFile('existing')])).toThrow(
      'jobs.yaml: entry "existing": is already in the schedule store (use --replace to overwrite it)',
    );
    expect(store.get('new')).toBeNull();
    expect(store.import([fromFile('new'), fromFile('existing')], { replace: true })).toEqual({ added: ['new'], replaced: ['existing'] });
    expect(store.get('existing')!.raw.task).toBe('tasks.file');
  });
});

describe('ScheduleStore change log', () => {
  it('reads back only the names changed since a point, each as it is now', () => {
    const store = openStore();
    store.add(storeEntry('a'));
    store.add(storeEntry('b'));
    const { seq } = store.snapshot();
    store.edit('a', () => storeEntry('a', { schedule: '1m' }));
    store.add(storeEntry('c'));
    store.setEnabled('c', false);
    store.remove('b');
    const changes = store.changesSince(seq);
    expect(changes.rows.map((row) => [row.name, row.raw.schedule, row.raw.enabled])).toEqual([['a', '1m', undefined], ['c', '30s', false]]);
    expect(changes.removed).toEqual(['b']);
    expect(changes.seq).toBeGreaterThan(seq);
    expect(store.changesSince(changes.seq)).toEqual({ seq: changes.seq, rows: [], removed: [] });
  });

  it('keeps one change per name, so the log stays as small as the set of names', () => {
    const store = openStore();
    store.add(storeEntry('a'));
    for (let i = 0; i < 10; i++) store.edit('a', () => storeEntry('a', { args: [i] }));
    const all = store.changesSince(0);
    expect(all.rows.map((row) => row.raw.args)).toEqual([[9]]);
  });

  it('pages through many changes with a limit', () => {
    const store = openStore();
    store.import(Array.from({ length: 25 }, (_, i) => storeEntry(`e${i}`)));
    const first = store.changesSince(0, 10);
    expect(first.rows).toHaveLength(10);
    const second = store.changesSince(first.seq, 10);
    const third = store.changesSince(second.seq, 10);
    expect([...first.rows, ...second.rows, ...third.rows].map((row) => row.name).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `e${i}`).sort());
  });

  it('finds changes through indexes, never by scanning the entries', () => {
    const store = openStore();
    // The statements changesSince runs, as SQLite plans them.
    const internals = store as unknown as Record<'db' | 'selectChanges' | 'selectEntry', { source: string; prepare(sql: string): { all(...params: unknown[]): Array<{ detail: string }> } }>;
    const plan = (statement: 'selectChanges' | 'selectEntry', ...params: unknown[]) =>
      internals.db.prepare(`EXPLAIN QUERY PLAN ${internals[statement].source}`).all(...params).map((row) => row.detail).join('; ');
    expect(plan('selectChanges', 0, 10)).toMatch(/^SEARCH store_changes USING INTEGER PRIMARY KEY \(rowid>\?\)$/);
    expect(plan('selectEntry', 'x')).toMatch(/^SEARCH store_entries USING INDEX \S+ \(name=\?\)$/);
  });
});

describe('RunHistory', () => {
  const run = (name: string, i: number, manual = false) => ({ name, occurrenceMs: i * 1000, sentAtMs: i * 1000 + 5, taskId: `${name}-${i}`, manual });

  it('keeps the last N runs of each entry, newest first', () => {
    const store = openStore({ keepRuns: 3 });
    store.history.record(Array.from({ length: 5 }, (_, i) => run('a', i)));
    store.history.record([run('b', 1), run('a', 5, true)]);
    expect(store.history.recent('a', 10).map((r) => r.taskId)).toEqual(['a-5', 'a-4', 'a-3']);
    expect(store.history.recent('a', 1)[0]).toEqual(run('a', 5, true));
    expect(store.history.recent('b', 10)).toEqual([run('b', 1)]);
  });

  it('fails fast with SQLITE_BUSY while another connection writes, when told to wait only briefly', () => {
    const path = join(dir, `store-${files++}.db`);
    const store = openStore({ path, busyTimeoutMs: 20 });
    const other = new Database(path);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      expect(() => store.history.record([run('a', 1)])).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    store.history.record([run('a', 1)]);
    expect(store.history.recent('a', 5)).toEqual([run('a', 1)]);
  });

  it("gives each entry's newest run", () => {
    const store = openStore();
    store.history.record([run('a', 1), run('b', 7), run('a', 2)]);
    expect(store.history.latest()).toEqual(new Map([['a', run('a', 2)], ['b', run('b', 7)]]));
  });
});
