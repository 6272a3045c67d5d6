import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'celeriac-check-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('schedule check', () => {
  it("lists each entry with its task, its schedule in words and its next run", async () => {
    const file = join(dir, 'good.yaml');
    await writeFile(file, [
      'timezone: Europe/Stockholm',
      'entries:',
      '  every-3s: { task: tasks.add, schedule: 3s, args: [1, 2], description: adds two numbers }',
      '  christmas: { task: tasks.log, schedule: { clocked: "2999-12-24T18:00:00+01:00" } }',
      '  gone: { task: tasks.log, schedule: { clocked: "2000-01-01T00:00:00Z" } }',
      '  paused: { task: tasks.log, schedule: 60, enabled: false }',
    ].join('\n'));
    const result = await runCli(['schedule', 'check', file]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${file}: 4 entries`);
    expect(lines[1]).toMatch(/^ {2}every-3s +tasks\.add +every 3s +next \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(if first seen now\) +# adds two numbers$/);
    expect(lines[2]).toMatch(/^ {2}christmas +tasks\.log +once at 2999-12-24T17:00:00Z +next 2999-12-24T17:00:00\.000Z$/);
    expect(lines[3]).toMatch(/^ {2}gone +tasks\.log +once at 2000-01-01T00:00:00Z +no more runs$/);
    expect(lines[4]).toMatch(/^ {2}paused +tasks\.log +every 1m +disabled$/);
  });

  it('exits 2 with one line per problem, naming file, entry and field', async () => {
    const bad = join(dir, 'bad');
    await rm(bad, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(bad));
    await writeFile(join(bad, 'a.yaml'), 'entries:\n  backup: { task: ops.backup, schedule: "0 2 * * *", options: { priority: 12 } }\n  b: { task: t, schedule: { every: 1, period: fortnights } }\n');
    await writeFile(join(bad, 'b.json'), '{"entries": {"ok": {"task": "t", "schedule": 5}}}');
    const result = await runCli(['schedule', 'check', bad]);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `celeriac: ${join(bad, 'a.yaml')}: entry "backup": field "options.priority": must be an integer 0-9, got number 12`,
      `celeriac: ${join(bad, 'a.yaml')}: entry "b": field "schedule.period": unknown period "fortnights" (expected seconds, minutes, hours, days, weeks)`,
    ]);
    expect(result.stdout).toMatch(new RegExp(`^${join(bad, 'b.json')}: 1 entry\n {2}ok +t +every 5s +next .*\\(if first seen now\\)\n$`));
  });

  it('checks ./schedules by default (the example npm start runs)', async () => {
    const result = await runCli(['schedule', 'check']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^schedules\/example\.yaml: 4 entries\n/);
    expect(result.stdout).toMatch(/nightly-backup +ops\.backup +at 02:00, Asia\/Shanghai +next /);
  });

  it('exits 2 for a path that does not exist', async () => {
    const result = await runCli(['schedule', 'check', join(dir, 'missing.yaml')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`celeriac: ${join(dir, 'missing.yaml')}: no such file or folder\n`);
  });
});
