import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  listScheduleFiles,
  loadScheduleFile,
  loadScheduleSources,
  mergeScheduleFiles,
  parseScheduleFileText,
} from '../../src/beat/schedule-files.js';
import { repoRoot } from '../helpers/cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'celeriac-schedule-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const SPEC_EXAMPLE = `
timezone: Asia/Shanghai          # default for entries in this file
entries:
  add-every-3s:
    task: tasks.add
    schedule: 3                  # seconds
    args: [16, 16]
  report-monday-morning:
    task: reports.weekly
    schedule: { crontab: { hour: 7, minute: 30, day_of_week: 1 } }
    kwargs: { format: pdf }
    options: { queue: reports, priority: 6, expires: 300 }
  nightly-backup:
    task: ops.backup
    schedule: "0 2 * * *"
    timezone: Europe/Stockholm   # per-entry time zone wins over the file's
    missed: once
    enabled: true
    description: full backup before the batch window
`;

describe('loading schedule files', () => {
  it("reads the spec's example file, the file's zone applying to entries without their own", async () => {
    const file = await write('jobs.yaml', SPEC_EXAMPLE);
    const loaded = await loadScheduleSources([file]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.entries.map((e) => [e.name, e.schedule.kind, 'timezone' in e.schedule ? e.schedule.timezone : null, e.source])).toEqual([
      ['add-every-3s', 'interval', null, file],
      ['report-monday-morning', 'cron', 'Asia/Shanghai', file],
      ['nightly-backup', 'cron', 'Europe/Stockholm', file],
    ]);
  });

  it("uses beat's zone for files that set none", async () => {
    const file = await write('a.yaml', 'entries:\n  e: { task: t, schedule: "0 9 * * *" }\n');
    const loaded = await loadScheduleSources([file], { timezone: 'America/New_York' });
    expect(loaded.entries[0]?.schedule).toMatchObject({ timezone: 'America/New_York' });
  });

  it('reads JSON the same way', async () => {
    const file = await write('a.json', JSON.stringify({ timezone: 'UTC', entries: { e: { task: 't', schedule: '30s', args: [1] } } }));
    const loaded = await loadScheduleSources([file]);
    expect(loaded.entries).toMatchObject([{ name: 'e', schedule: { kind: 'interval', everyMs: 30_000 }, args: [1] }]);
  });

  it('loads every .yaml/.yml/.json file of a folder in name order, skipping hidden and other files', async () => {
    await write('b.yml', 'entries: { b: { task: t, schedule: 1 } }');
    await write('a.json', '{"entries": {"a": {"task": "t", "schedule": 1}}}');
    await write('c.yaml', 'entries: { c: { task: t, schedule: 1 } }');
    await write('.#c.yaml', 'not: a schedule');
    await write('notes.txt', 'not a schedule');
    expect(await listScheduleFiles([dir])).toEqual(['a.json', 'b.yml', 'c.yaml'].map((name) => join(dir, name)));
    expect((await loadScheduleSources([dir])).entries.map((e) => e.name)).toEqual(['a', 'b', 'c']);
  });

  it('does not descend into subfolders', async () => {
    await mkdir(join(dir, 'archive'));
    await write('archive/old.yaml', 'entries: { old: { task: t, schedule: 1 } }');
    expect(await listScheduleFiles([dir])).toEqual([]);
  });

  it('treats an empty file as no entries', async () => {
    const file = await write('empty.yaml', '# nothing yet\n');
    expect(await loadScheduleFile(file)).toEqual({ file, ok: true, entries: [] });
  });

  it('rejects a missing path and a file of another kind', async () => {
    await expect(listScheduleFiles([join(dir, 'nope')])).rejects.toThrow(`${join(dir, 'nope')}: no such file or folder`);
    const txt = await write('a.txt', '');
    await expect(listScheduleFiles([txt])).rejects.toThrow(`${txt}: not a schedule file (expected .yaml, .yml or .json)`);
  });

  it('reads YAML anchors and merge keys, so entries can share settings', async () => {
    const file = await write('a.yaml', [
      'entries:',
      '  a: &report { task: reports.weekly, schedule: "0 7 * * mon", options: { queue: reports } }',
      '  b: { <<: *report, schedule: "0 7 * * fri" }',
    ].join('\n'));
    const loaded = await loadScheduleSources([file]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.entries[1]).toMatchObject({ name: 'b', task: 'reports.weekly', options: { queue: 'reports' } });
  });
});

describe('bad files', () => {
  const messages = (result: { ok: boolean; errors?: Error[] }) => (result.ok ? [] : result.errors!.map((e) => e.message));

  it('collects one error per bad entry, each naming file, entry and field; the good entries are not loaded', async () => {
    const file = await write('x.yaml', [
      'entries:',
      '  good: { task: t, schedule: 3 }',
      '  backup: { task: t, schedule: 3, options: { priority: 12 } }',
      '  typo: { task: t, schedul: 3 }',
    ].join('\n'));
    const result = await loadScheduleFile(file);
    expect(result.ok).toBe(false);
    expect(messages(result)).toEqual([
      `${file}: entry "backup": field "options.priority": must be an integer 0-9, got number 12`,
      `${file}: entry "typo": field "schedul": unknown field (allowed: task, schedule, args, kwargs, options, timezone, enabled, description, start, end, limit, jitter, missed, grace, catchup_limit)`,
    ]);
  });

  it.each([
    ['top.yaml', 'timezone: UTC\nadd: { task: t, schedule: 3 }\n', 'field "add": unknown top-level key (allowed: timezone, entries; entries go under "entries")'],
    ['zone.yaml', 'timezone: Mars/Olympus\nentries: {}\n', 'field "timezone": '],
    ['list.yaml', '- task: t\n', 'a schedule file must be a mapping with "timezone" and "entries", got a list'],
    ['entries.yaml', 'entries: [a, b]\n', 'field "entries": must be a mapping of entry names to entries, got a list'],
    ['syntax.yaml', 'entries:\n  a: { task: t\n', 'invalid YAML: '],
    ['dup.yaml', 'entries:\n  a: { task: t, schedule: 1 }\n  a: { task: t, schedule: 2 }\n', 'invalid YAML: duplicate key "a" at line 3'],
    ['dupfield.yaml', 'entries:\n  a:\n    task: t\n    schedule: 1\n    task: u\n', 'invalid YAML: duplicate key "task" at line 5'],
    ['syntax.json', '{"entries": ', 'invalid JSON: '],
  ])('%s: names the file and what is wrong', async (name, text, expected) => {
    const file = await write(name, text);
    const result = await loadScheduleFile(file);
    expect(messages(result)).toHaveLength(1);
    expect(messages(result)[0]).toContain(`${file}: ${expected}`);
    expect(messages(result)[0]).not.toContain('\n');
  });

  it('rejects a name defined in two files, naming both', async () => {
    const a = await write('a.yaml', 'entries: { backup: { task: t, schedule: 1 } }');
    const b = await write('b.yaml', 'entries: { backup: { task: t, schedule: 2 }, other: { task: t, schedule: 3 } }');
    const loaded = await loadScheduleSources([dir]);
    expect(loaded.errors.map((e) => e.message)).toEqual([`${b}: entry "backup": name already defined in ${a}`]);
    expect(loaded.entries.map((e) => [e.name, e.source])).toEqual([['backup', a]]);
    expect(loaded.files.map((f) => [f.file, f.ok])).toEqual([[a, true], [b, false]]);
  });

  it('lets a reload re-read one changed file and merge it with the others kept as they were', async () => {
    const a = await write('a.yaml', 'entries: { a: { task: t, schedule: 1 } }');
    const b = await write('b.yaml', 'entries: { b: { task: t, schedule: 1 } }');
    const first = await loadScheduleSources([dir]);
    await write('b.yaml', 'entries: { b: { task: t, schedule: 0 } }');
    const broken = await loadScheduleFile(b);
    expect(messages(broken)).toEqual([`${b}: entry "b": field "schedule": interval must be positive, got 0`]);
    await write('b.yaml', 'entries: { b2: { task: t, schedule: 5 } }');
    const fixed = await loadScheduleFile(b);
    const merged = mergeScheduleFiles(first.files.map((f) => (f.file === b ? fixed : f)));
    expect(merged.errors).toEqual([]);
    expect(merged.entries.map((e) => [e.name, e.source])).toEqual([['a', a], ['b2', b]]);
  });

  it('parses text without touching the disk (for callers that read files themselves)', () => {
    expect(parseScheduleFileText('mem.json', '{"entries": {"e": {"task": "t", "schedule": "1h"}}}')).toMatchObject({ ok: true, entries: [{ name: 'e' }] });
  });
});

describe('schedules/example.yaml', () => {
  it('loads, with the entries and tasks npm start runs', async () => {
    const loaded = await loadScheduleSources([join(repoRoot, 'schedules')]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.entries.map((e) => e.task).sort()).toEqual(['ops.backup', 'reports.weekly', 'tasks.add', 'tasks.log']);
    expect(loaded.entries.filter((e) => e.schedule.kind === 'interval').map((e) => (e.schedule.kind === 'interval' ? e.schedule.everyMs : 0)))
      .toEqual([3_000, 10_000]);
  });
});
