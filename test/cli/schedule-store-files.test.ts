/** `schedule import` and `export`: schedule files into the store and back, unchanged. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScheduleSources } from '../../src/beat/schedule-files.js';
import { definitionFingerprint } from '../../src/schedule/fingerprint.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'celeriac-store-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function schedule(store: string, ...args: string[]): Promise<CliResult> {
  return runCli(['schedule', ...args, '--store', store], { cwd: dir });
}

/** Every kind of value and field a file entry can have; the file's zone applies to the cron entries. */
const JOBS = `timezone: Asia/Shanghai
entries:
  add-every-3s:
    task: tasks.add
    schedule: 3
    args: [16, 16]
  report-monday-morning:
    task: reports.weekly
    schedule: { crontab: { hour: 7, minute: 30, day_of_week: 1 } }
    kwargs: { format: pdf }
    options: { queue: reports, priority: 6, expires: 300, headers: { tenant: t1 } }
  nightly-backup:
    task: ops.backup
    schedule: "0 2 * * *"
    timezone: Europe/Stockholm
    missed: all
    catchup_limit: 3
    grace: 1h
    enabled: false
    description: full backup before the batch window
  sunrise:
    task: tasks.lights
    schedule: { solar: sunrise, lat: 59.33, lon: 18.06 }
    start: "2026-01-01T00:00:00Z"
    end: "2027-01-01T00:00:00+01:00"
    limit: 100
    jitter: 30s
  once:
    task: tasks.once
    schedule: { clocked: "2026-12-24T18:00:00+01:00" }
`;
const OTHERS = `entries:
  every-5m:
    task: tasks.poll
    schedule: { every: 5, period: minutes }
    options: { expires: "2026-12-31T00:00:00Z", routing_key: poll, exchange: tasks }
`;

async function fingerprints(file: string): Promise<Map<string, string>> {
  const loaded = await loadScheduleSources([file]);
  expect(loaded.errors).toEqual([]);
  return new Map(loaded.entries.map((entry) => [entry.name, definitionFingerprint(entry)]));
}

describe('celeriac schedule import and export', () => {
  it('round-trips: export of an import reads back as the same entries, in files, beat and the store', async () => {
    writeFileSync(join(dir, 'jobs.yaml'), JOBS);
    writeFileSync(join(dir, 'others.yaml'), OTHERS);
    const imported = await schedule('a.db', 'import', 'jobs.yaml', 'others.yaml');
    expect(imported).toMatchObject({ status: 0, stdout: 'imported 6 entries: 6 added, 0 replaced\n' });

    const exported = await schedule('a.db', 'export');
    expect(exported.status).toBe(0);
    writeFileSync(join(dir, 'exported.yaml'), exported.stdout);
    const original = new Map([...await fingerprints(join(dir, 'jobs.yaml')), ...await fingerprints(join(dir, 'others.yaml'))]);
    expect(await fingerprints(join(dir, 'exported.yaml'))).toEqual(original);

    const json = await schedule('a.db', 'export', '--format', 'json');
    writeFileSync(join(dir, 'exported.json'), json.stdout);
    expect(await fingerprints(join(dir, 'exported.json'))).toEqual(original);

    // Through a second store and back: the very same text.
    expect((await schedule('b.db', 'import', 'exported.json')).status).toBe(0);
    expect((await schedule('b.db', 'export')).stdout).toBe(exported.stdout);
    // Beat reads the exported file as a schedule file.
    const check = await runCli(['schedule', 'check', 'exported.yaml'], { cwd: dir });
    expect(check.status).toBe(0);
  });

  it('refuses names already in the store, unless --replace, and changes nothing on any error', async () => {
    writeFileSync(join(dir, 'first.yaml'), 'entries:\n  one:\n    task: tasks.first\n    schedule: 1m\n');
    writeFileSync(join(dir, 'second.yaml'), 'entries:\n  two:\n    task: tasks.second\n    schedule: 1m\n  one:\n    task: tasks.second\n    schedule: 2m\n');
    writeFileSync(join(dir, 'broken.yaml'), 'entries:\n  three:\n    task: tasks.third\n    schedule: "61 * * * *"\n');
    expect((await schedule('c.db', 'import', 'first.yaml')).status).toBe(0);
    const before = (await schedule('c.db', 'export')).stdout;

    const clash = await schedule('c.db', 'import', 'second.yaml');
    expect(clash).toMatchObject({ status: 2, stderr: 'celeriac: second.yaml: entry "one": is already in the schedule store (use --replace to overwrite it)\n' });
    const broken = await schedule('c.db', 'import', 'broken.yaml');
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/^celeriac: broken\.yaml: entry "three": field "schedule": .*minute 61/);
    expect((await schedule('c.db', 'export')).stdout).toBe(before);

    const replaced = await schedule('c.db', 'import', 'second.yaml', '--replace', '--json');
    expect(JSON.parse(replaced.stdout)).toEqual({ added: ['two'], replaced: ['one'] });
    const list = JSON.parse((await schedule('c.db', 'list', '--json')).stdout) as Array<{ name: string; task: string }>;
    expect(list.map(({ name, task }) => [name, task])).toEqual([['one', 'tasks.second'], ['two', 'tasks.second']]);
  });
});
