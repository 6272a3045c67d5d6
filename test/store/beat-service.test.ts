/**
 * Beat with the schedule store, in process on a manual clock: store entries run with the files',
 * changes arrive through the change log, names stay unique across files and store, and store
 * dispatches land in the run history.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BeatService } from '../../src/beat/service.js';
import { UsageError } from '../../src/errors.js';
import { ScheduleStore } from '../../src/store/store.js';
import { ManualClock } from '../../src/util/clock.js';
import { Logger } from '../../src/util/log.js';
import { queuedMessages, storeEntry, tempDir } from './helpers.js';

const root = tempDir('celeriac-store-beat-');
const START = Date.parse('2026-03-01T12:00:00Z');
let services: BeatService[] = [];
let stores: ScheduleStore[] = [];
let workspaces = 0;
afterEach(async () => {
  for (const service of services) await service.stop();
  for (const store of stores) store.close();
  services = [];
  stores = [];
});

interface Setup {
  dir: string;
  file: string;
  clock: ManualClock;
  store: ScheduleStore;
  lines: string[];
  start(): Promise<BeatService>;
}

/** A workspace with a schedule file and a store, both in one folder; beat uses the store's file as its broker. */
function setup(fileEntries: string): Setup {
  const dir = join(root, `w${workspaces++}`);
  const file = join(dir, 'celeriac.db');
  const clock = new ManualClock(START);
  const store = ScheduleStore.open(file, { clock });
  stores.push(store);
  writeFileSync(join(dir, 'jobs.yaml'), `entries:\n${fileEntries}`);
  const lines: string[] = [];
  const logger = new Logger({ level: 'DEBUG', sink: (line) => lines.push(line) });
  return {
    dir, file, clock, store, lines,
    async start() {
      const service = await BeatService.start({
        brokerUrl: `sqlite:///${file}`, schedulePaths: [join(dir, 'jobs.yaml')], storePath: file, logger, clock, watch: false,
      });
      services.push(service);
      return service;
    },
  };
}

const FILE_JOB = '  file-job:\n    task: tasks.file\n    schedule: 10s\n';

describe('beat with the schedule store', () => {
  it('runs store entries together with file entries', async () => {
    const s = setup(FILE_JOB);
    s.store.add(storeEntry('store-job', { schedule: '10s' }));
    const service = await s.start();
    expect([...service.beat.nextDue().keys()].sort()).toEqual(['file-job', 'store-job']);
  });

  it('refuses to start when a store entry has the name of a file entry, naming both places', async () => {
    const s = setup(FILE_JOB);
    s.store.add(storeEntry('file-job'));
    await expect(s.start()).rejects.toThrow(new UsageError(`${join(s.dir, 'jobs.yaml')}: entry "file-job": name already defined in the schedule store`));
  });

  it('applies an added, edited, disabled and removed store entry within one look at the change log, touching no other entry', async () => {
    const s = setup(FILE_JOB);
    s.store.add(storeEntry('other', { schedule: '10s' }));
    const service = await s.start();
    const reloads: unknown[] = [];
    service.beat.on('reloaded', (summary) => reloads.push(summary));

    s.store.add(storeEntry('live', { schedule: '5s' }));
    await s.clock.advance(250);
    expect(service.beat.nextDue().get('live')).toBe(START + 250 + 5_000);

    s.store.edit('live', () => storeEntry('live', { schedule: '7s' }));
    await s.clock.advance(250);
    expect(service.beat.nextDue().get('live')).toBe(START + 500 + 7_000);

    s.store.setEnabled('live', false);
    await s.clock.advance(250);
    expect(service.beat.nextDue().has('live')).toBe(false);

    s.store.remove('live');
    await s.clock.advance(250);
    expect(service.beat.entryCount).toBe(3 - 1);
    expect(reloads).toEqual([
      { added: ['live'], changed: [], removed: [], unchanged: 0 },
      { added: [], changed: ['live'], removed: [], unchanged: 0 },
      { added: [], changed: ['live'], removed: [], unchanged: 0 },
      { added: [], changed: [], removed: ['live'], unchanged: 0 },
    ]);
    expect(s.lines.filter((line) => line.includes('Schedule store changed'))).toHaveLength(4);
  });

  it('ignores a store change that takes the name of a file entry, and logs why', async () => {
    const s = setup(FILE_JOB);
    const service = await s.start();
    s.store.add(storeEntry('file-job', { task: 'tasks.store' }));
    await s.clock.advance(250);
    expect(s.lines.some((line) => line.includes(`ERROR/MainProcess] beat: ${s.file}: entry "file-job": name already defined in ${join(s.dir, 'jobs.yaml')}; ignoring this change of the store`))).toBe(true);
    expect(service.beat.entryCount).toBe(1);
  });

  it('keeps the last good version of a store entry whose row no longer validates', async () => {
    const s = setup(FILE_JOB);
    s.store.add(storeEntry('kept', { schedule: '10s' }));
    const service = await s.start();
    const due = service.beat.nextDue().get('kept');
    // Only a hand edit of the database can do this: the commands validate every change.
    const db = new Database(s.file);
    db.prepare(`UPDATE store_entries SET definition = '{"task": "tasks.add", "schedule": "61 * * * *"}' WHERE name = 'kept'`).run();
    db.prepare("INSERT INTO store_changes (name, kind, changed_at) VALUES ('kept', 'edit', 0)").run();
    db.close();
    await s.clock.advance(250);
    expect(s.lines.some((line) => /ERROR\/MainProcess\] beat: .*celeriac\.db: entry "kept": field "schedule": .*minute 61.*\(keeping the last good version\)/.test(line))).toBe(true);
    expect(service.beat.nextDue().get('kept')).toBe(due);
  });

  it('never reverts store edits when a schedule file is reloaded, even with a broken file', async () => {
    const s = setup(FILE_JOB);
    s.store.add(storeEntry('store-job', { schedule: '10s' }));
    const service = await s.start();
    s.store.edit('store-job', () => storeEntry('store-job', { schedule: '20s' }));
    await s.clock.advance(250);
    // The file now also defines the store's name: that file is refused and beat keeps its last good set.
    writeFileSync(join(s.dir, 'jobs.yaml'), `entries:\n${FILE_JOB}  store-job:\n    task: tasks.file\n    schedule: 1s\n`);
    await service.reload('test');
    expect(service.beat.nextDue().get('store-job')).toBe(START + 250 + 20_000);
    expect(service.beat.entryCount).toBe(2);
  });

  it('records store dispatches in the run history, and not those of file entries', async () => {
    const s = setup(FILE_JOB);
    s.store.add(storeEntry('store-job', { schedule: '10s' }));
    await s.start();
    await s.clock.advance(10_000);
    const sent = queuedMessages(s.file);
    expect(sent.map((m) => m.entry).sort()).toEqual(['file-job', 'store-job']);
    await s.clock.advance(200);
    const storeMessage = sent.find((m) => m.entry === 'store-job')!;
    expect(s.store.history.recent('store-job', 5)).toEqual([
      { name: 'store-job', occurrenceMs: Date.parse(storeMessage.occurrence!), sentAtMs: START + 10_000, taskId: storeMessage.id, manual: false },
    ]);
    expect(s.store.history.latest().has('file-job')).toBe(false);
  });
});
