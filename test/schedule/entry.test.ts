import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../../src/errors.js';
import { entryToRaw, parseEntry } from '../../src/schedule/entry.js';

const context = { file: 'schedules/x.yaml', timezone: 'Asia/Shanghai' };

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ScheduleError) return error.message;
    throw error;
  }
  throw new Error('expected a ScheduleError');
}

describe('parseEntry', () => {
  it('reads every field of the spec example, with defaults for the rest', () => {
    const entry = parseEntry('report-monday-morning', {
      task: 'reports.weekly',
      schedule: { crontab: { hour: 7, minute: 30, day_of_week: 1 } },
      kwargs: { format: 'pdf' },
      options: { queue: 'reports', priority: 6, expires: 300 },
    }, context);
    expect(entry).toMatchObject({
      name: 'report-monday-morning',
      task: 'reports.weekly',
      schedule: { kind: 'cron', syntax: 'crontab', timezone: 'Asia/Shanghai' },
      scheduleValue: { crontab: { hour: 7, minute: 30, day_of_week: 1 } },
      args: [],
      kwargs: { format: 'pdf' },
      options: { queue: 'reports', priority: 6, expires: 300 },
      enabled: true,
      jitterMs: 0,
      missed: 'once',
      catchupLimit: 100,
      source: 'schedules/x.yaml',
    });
    expect(entry).not.toHaveProperty('timezone');
    expect(entry).not.toHaveProperty('limit');
  });

  it('reads all the optional fields', () => {
    const entry = parseEntry('nightly-backup', {
      task: 'ops.backup',
      schedule: '0 2 * * *',
      args: [1, 'two'],
      options: {
        queue: 'ops', exchange: 'ops', routing_key: 'ops.backup', priority: 0, expires: '2027-01-01T00:00:00Z',
        headers: { team: 'infra' }, compression: 'zlib',
      },
      timezone: 'Europe/Stockholm',
      enabled: false,
      description: 'full backup before the batch window',
      start: '2026-01-01T00:00:00+01:00',
      end: '2027-01-01T00:00:00Z',
      limit: 3,
      jitter: '30s',
      missed: 'all',
      grace: '2h',
      catchup_limit: 10,
    }, context);
    expect(entry).toMatchObject({
      schedule: { kind: 'cron', timezone: 'Europe/Stockholm' },
      args: [1, 'two'],
      options: { queue: 'ops', exchange: 'ops', routingKey: 'ops.backup', priority: 0, expires: '2027-01-01T00:00:00Z', headers: { team: 'infra' }, compression: 'zlib' },
      timezone: 'Europe/Stockholm',
      enabled: false,
      description: 'full backup before the batch window',
      startMs: Date.UTC(2025, 11, 31, 23),
      endMs: Date.UTC(2027, 0, 1),
      limit: 3,
      jitterMs: 30_000,
      missed: 'all',
      graceMs: 7_200_000,
      catchupLimit: 10,
    });
  });

  it("resolves the zone: the value's own, then the entry's, then the file's (context), then UTC", () => {
    const cron = (raw: Record<string, unknown>, ctx = {}) => parseEntry('e', { task: 't', ...raw }, ctx).schedule;
    expect(cron({ schedule: { cron: '0 9 * * *', timezone: 'America/New_York' }, timezone: 'Europe/Stockholm' }, context))
      .toMatchObject({ timezone: 'America/New_York' });
    expect(cron({ schedule: '0 9 * * *', timezone: 'Europe/Stockholm' }, context)).toMatchObject({ timezone: 'Europe/Stockholm' });
    expect(cron({ schedule: '0 9 * * *' }, context)).toMatchObject({ timezone: 'Asia/Shanghai' });
    expect(cron({ schedule: '0 9 * * *' })).toMatchObject({ timezone: 'UTC' });
  });

  it.each([
    [{ schedule: 3 }, 'field "task": is required'],
    [{ task: '', schedule: 3 }, 'field "task": must be a task name, got an empty string'],
    [{ task: 't' }, 'field "schedule": is required'],
    [{ task: 't', schedule: 0 }, 'field "schedule": interval must be positive, got 0'],
    [{ task: 't', schedule: { every: 1, period: 'fortnights' } }, 'field "schedule.period": unknown period "fortnights"'],
    [{ task: 't', schedule: 3, colour: 'red' }, 'field "colour": unknown field (allowed: task, schedule, args'],
    [{ task: 't', schedule: 3, args: 'x' }, 'field "args": must be a list, got "x"'],
    [{ task: 't', schedule: 3, kwargs: [] }, 'field "kwargs": must be a mapping, got a list'],
    [{ task: 't', schedule: 3, options: { priority: 10 } }, 'field "options.priority": must be an integer 0-9, got number 10'],
    [{ task: 't', schedule: 3, options: { priority: 1.5 } }, 'field "options.priority": must be an integer 0-9'],
    [{ task: 't', schedule: 3, options: { queu: 'x' } }, 'field "options.queu": unknown option (allowed: queue, exchange, routing_key'],
    [{ task: 't', schedule: 3, options: { expires: 0 } }, 'field "options.expires": must be a positive number of seconds'],
    [{ task: 't', schedule: 3, options: { expires: '2027-01-01' } }, 'field "options.expires": "2027-01-01" is not an ISO-8601 instant'],
    [{ task: 't', schedule: 3, options: { compression: 'gzip' } }, 'field "options.compression": must be "zlib", got "gzip"'],
    [{ task: 't', schedule: 3, options: { headers: 'x' } }, 'field "options.headers": must be a mapping'],
    [{ task: 't', schedule: 3, timezone: 'Mars/Olympus' }, 'field "timezone": '],
    [{ task: 't', schedule: 3, enabled: 'yes' }, 'field "enabled": must be true or false, got "yes"'],
    [{ task: 't', schedule: 3, description: 5 }, 'field "description": must be text'],
    [{ task: 't', schedule: 3, start: '2026-01-01T00:00:00' }, 'field "start": "2026-01-01T00:00:00" is not an ISO-8601 instant with a UTC offset'],
    [{ task: 't', schedule: 3, start: '2026-02-01T00:00:00Z', end: '2026-01-01T00:00:00Z' }, 'field "end": is before start (2026-02-01T00:00:00Z)'],
    [{ task: 't', schedule: 3, limit: 0 }, 'field "limit": must be a positive integer, got number 0'],
    [{ task: 't', schedule: 3, jitter: '1y' }, 'field "jitter": malformed duration "1y"'],
    [{ task: 't', schedule: 3, missed: 'some' }, 'field "missed": must be one of once, skip, all, got "some"'],
    [{ task: 't', schedule: 3, grace: -1 }, 'field "grace": grace must be positive'],
    [{ task: 't', schedule: 3, catchup_limit: 2.5 }, 'field "catchup_limit": must be a positive integer'],
  ])('%j fails naming file, entry and field', (raw, expected) => {
    expect(messageOf(() => parseEntry('backup', raw, context))).toContain(`schedules/x.yaml: entry "backup": ${expected}`);
  });

  it('rejects entries that are not mappings, and names that are not single lines', () => {
    expect(messageOf(() => parseEntry('backup', 'tasks.add', context)))
      .toBe('schedules/x.yaml: entry "backup": an entry must be a mapping of fields, got "tasks.add"');
    expect(messageOf(() => parseEntry('two\nlines', { task: 't', schedule: 3 }, {}))).toMatch(/must not contain control characters/);
    expect(messageOf(() => parseEntry(' ', { task: 't', schedule: 3 }, {}))).toMatch(/non-empty/);
  });

  it('says "store" when an entry comes from no file', () => {
    expect(parseEntry('e', { task: 't', schedule: 3 }).source).toBe('store');
    expect(parseEntry('e', { task: 't', schedule: 3 }, { file: 'a.yaml', source: 'cli' }).source).toBe('cli');
  });
});

describe('parseEntry defaults', () => {
  it('gives entries that leave out args, kwargs and options one shared, frozen empty value each', () => {
    const [a, b] = ['a', 'b'].map((name) => parseEntry(name, { task: 't', schedule: 10 }));
    expect([a!.args, a!.kwargs, a!.options]).toEqual([[], {}, {}]);
    expect([b!.args, b!.kwargs, b!.options]).toEqual([a!.args, a!.kwargs, a!.options]);
    expect(b!.args).toBe(a!.args);
    expect(b!.kwargs).toBe(a!.kwargs);
    expect(b!.options).toBe(a!.options);
    expect([a!.args, a!.kwargs, a!.options].every((value) => Object.isFrozen(value))).toBe(true);
  });
});

describe('entryToRaw', () => {
  it('gives back the file form, without defaults', () => {
    const raw = { task: 'tasks.add', schedule: '30s', args: [16, 16] };
    expect(entryToRaw(parseEntry('add', raw, context))).toEqual(raw);
  });

  it("pins a cron entry's resolved zone so it means the same wherever it is read", () => {
    const entry = parseEntry('e', { task: 't', schedule: '0 9 * * *' }, context);
    const raw = entryToRaw(entry);
    expect(raw).toEqual({ task: 't', schedule: '0 9 * * *', timezone: 'Asia/Shanghai' });
    expect(parseEntry('e', raw, { timezone: 'UTC' }).schedule).toEqual(entry.schedule);
  });

  const rawEntries = fc.record(
    {
      task: fc.constantFrom('tasks.add', 'ops.backup'),
      schedule: fc.constantFrom<unknown>(
        3, '1h30m', 'PT15M', { every: 5, period: 'minutes' }, { timedelta: { hours: 1 } }, '*/15 9-17 * * mon-fri',
        { cron: '0 9 * * 1-5', timezone: 'America/New_York' }, { crontab: { minute: 0, hour: '*/3' } },
        { solar: 'sunset', lat: 59.33, lon: 18.06 }, { clocked: '2026-12-24T18:00:00+01:00' },
      ),
      args: fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 3 }),
      kwargs: fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
      options: fc.record(
        {
          queue: fc.constantFrom('celery', 'reports'),
          routing_key: fc.constant('rk'),
          priority: fc.integer({ min: 0, max: 9 }),
          expires: fc.oneof(fc.constant(300), fc.constant('2027-01-01T00:00:00Z')),
          compression: fc.constant('zlib'),
        },
        { requiredKeys: [] },
      ),
      timezone: fc.constantFrom('Europe/Stockholm', 'UTC'),
      enabled: fc.boolean(),
      description: fc.string(),
      start: fc.constant('2026-01-01T00:00:00Z'),
      end: fc.constant('2028-01-01T00:00:00.500Z'),
      limit: fc.integer({ min: 1, max: 1000 }),
      jitter: fc.constantFrom('500ms', '30s', 90),
      missed: fc.constantFrom('once', 'skip', 'all'),
      grace: fc.constantFrom('1h', 'PT10M'),
      catchup_limit: fc.integer({ min: 1, max: 500 }),
    },
    { requiredKeys: ['task', 'schedule'] },
  );

  it('round-trips through parseEntry: same entry, same file form', () => {
    fc.assert(
      fc.property(rawEntries, fc.constantFrom(undefined, 'Asia/Shanghai'), (raw, fileZone) => {
        const entry = parseEntry('e', raw, { file: 'a.yaml', timezone: fileZone });
        const exported = entryToRaw(entry);
        const again = parseEntry('e', exported, { file: 'b.yaml' });
        expect(again.schedule).toEqual(entry.schedule);
        expect({ ...again, source: 'a.yaml', timezone: entry.timezone }).toEqual(entry);
        expect(entryToRaw(again)).toEqual(exported);
      }),
      { numRuns: 300 },
    );
  });
});
