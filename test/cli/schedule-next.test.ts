import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * schedules.md "Time zones and clock changes": every example row, through the CLI, as
 * `schedule next --after <after> --json`. The host zone must not matter, so each row also runs
 * with TZ set to zones with odd offsets and DST rules, and must print exactly the same.
 */
const ROWS: Array<{ schedule: string; zone: string; after: string; next: string[] }> = [
  { schedule: '30 2 * * *', zone: 'America/New_York', after: '2025-03-09T06:00Z', next: ['2025-03-09T07:00Z', '2025-03-10T06:30Z'] },
  { schedule: '30 1 * * *', zone: 'America/New_York', after: '2025-11-02T04:00Z', next: ['2025-11-02T05:30Z', '2025-11-03T06:30Z'] },
  { schedule: '30 1 * * *', zone: 'America/New_York', after: '2025-11-02T05:30Z', next: ['2025-11-03T06:30Z'] },
  { schedule: '30 1 * * *', zone: 'America/New_York', after: '2025-11-02T06:10Z', next: ['2025-11-03T06:30Z'] },
  {
    schedule: '0,30 2 * * *', zone: 'America/New_York', after: '2025-03-09T06:00Z',
    next: ['2025-03-09T07:00Z', '2025-03-10T06:00Z', '2025-03-10T06:30Z'],
  },
  {
    schedule: '0 * * * *', zone: 'America/New_York', after: '2025-11-02T04:30Z',
    next: ['2025-11-02T05:00Z', '2025-11-02T06:00Z', '2025-11-02T07:00Z', '2025-11-02T08:00Z'],
  },
  {
    schedule: '*/15 2 * * *', zone: 'Europe/Stockholm', after: '2025-10-25T23:00Z',
    next: [
      '2025-10-26T00:00Z', '2025-10-26T00:15Z', '2025-10-26T00:30Z', '2025-10-26T00:45Z',
      '2025-10-26T01:00Z', '2025-10-26T01:15Z', '2025-10-26T01:30Z', '2025-10-26T01:45Z',
      '2025-10-27T01:00Z',
    ],
  },
  { schedule: '0 0 1 * 1', zone: 'UTC', after: '2026-01-01T00:00Z', next: ['2026-01-05T00:00Z', '2026-01-12T00:00Z', '2026-01-19T00:00Z'] },
];

const iso = (text: string) => new Date(text).toISOString();

function argsFor(row: (typeof ROWS)[number], form: 'flag' | 'value'): string[] {
  const schedule = form === 'flag' ? ['--schedule', row.schedule, '--timezone', row.zone] : ['--schedule', JSON.stringify({ cron: row.schedule, timezone: row.zone })];
  return ['schedule', 'next', ...schedule, '--after', row.after, '--count', String(row.next.length), '--json'];
}

describe('schedule next: the schedules.md example table', () => {
  it.each(ROWS)('$schedule in $zone after $after', async (row) => {
    const result = await runCli(argsFor(row, 'flag'), { env: { TZ: 'UTC' } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(row.next.map(iso));
  });

  it.each(ROWS.map((row, i) => ({ ...row, hostZone: ['Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham'][i % 4] })))(
    '$schedule in $zone after $after, value form, host TZ=$hostZone: identical output',
    async (row) => {
      const result = await runCli(argsFor(row, 'value'), { env: { TZ: row.hostZone } });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`${JSON.stringify(row.next.map(iso))}\n`);
    },
  );
});

describe('schedule next: other values', () => {
  it('counts an interval from --after, with milliseconds in ISO UTC', async () => {
    const result = await runCli(['schedule', 'next', '--schedule', '2.5', '--after', '2026-01-01T00:00:00+01:00', '--count', '3', '--json']);
    expect(JSON.parse(result.stdout)).toEqual(['2025-12-31T23:00:02.500Z', '2025-12-31T23:00:05.000Z', '2025-12-31T23:00:07.500Z']);
  });

  it('needs both day fields in a Celery crontab: a Monday that is the 1st (schedules.md "Days")', async () => {
    const value = '{crontab: {minute: 0, hour: 0, day_of_month: 1, day_of_week: mon}}';
    const result = await runCli(['schedule', 'next', '--schedule', value, '--after', '2026-01-01T00:00Z', '--count', '2', '--json']);
    expect(JSON.parse(result.stdout)).toEqual(['2026-06-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z']);
  });

  it('prints fewer runs when the schedule ends (clocked)', async () => {
    const result = await runCli(['schedule', 'next', '--schedule', '{clocked: "2026-12-24T18:00:00+01:00"}', '--after', '2026-01-01T00:00:00Z', '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['2026-12-24T17:00:00.000Z']);
  });

  it('reads YAML block text, and defaults --after to now', async () => {
    const before = Date.now();
    const result = await runCli(['schedule', 'next', '--schedule', 'every: 1\nperiod: hours', '--count', '1', '--json']);
    const [first] = JSON.parse(result.stdout) as string[];
    expect(Date.parse(first as string) - before).toBeGreaterThan(3_590_000);
    expect(Date.parse(first as string) - before).toBeLessThan(3_610_000);
  });

  it("prints each run in the schedule's zone and in UTC, under the schedule in words", async () => {
    const result = await runCli(['schedule', 'next', '--schedule', '30 2 * * *', '--timezone', 'America/New_York', '--after', '2025-03-09T06:00Z', '--count', '2']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe([
      'at 02:30, America/New_York',
      'next 2 runs after 2025-03-09T06:00:00.000Z (America/New_York, then UTC):',
      '  Sun 2025-03-09 03:00:00 -04:00  2025-03-09T07:00:00.000Z',
      '  Mon 2025-03-10 02:30:00 -04:00  2025-03-10T06:30:00.000Z',
      '',
    ].join('\n'));
  });
});

describe('schedule next: bad input exits 2 with one line naming what is wrong', () => {
  it.each([
    [['--schedule', '0 9 * * *', '--timezone', 'Mars/Olympus'], /--timezone: .*Mars\/Olympus/],
    [['--schedule', '{"cron": "0 9 * * *", "timezone": "Mars/Olympus"}'], /--schedule: timezone: .*Mars\/Olympus/],
    [['--schedule', '61 * * * *'], /--schedule: .*minute.*61/],
    [['--schedule', '0'], /--schedule: interval must be positive, got 0/],
    [['--schedule=-5'], /--schedule: interval must be positive, got -5/],
    [['--schedule', '{"every": 5, "period": "fortnights"}'], /--schedule: period: unknown period "fortnights"/],
    [['--schedule', '1x'], /--schedule: malformed duration "1x": .*or a cron expression of 5 or 6 fields/],
    [['--schedule', '{"clocked": "2026-12-24T18:00:00"}'], /--schedule: clocked: .*no UTC offset/],
    [['--schedule', '{"cron": "0 9 * * *", "tz": "UTC"}'], /--schedule: tz: unknown key "tz" in a cron schedule/],
    [['--schedule', '{"solar": "sunup", "lat": 1, "lon": 2}'], /--schedule: solar: unknown solar event "sunup"/],
    [['--schedule', '{"cron": '], /--schedule: not valid JSON or YAML/],
    [['--schedule', '0 0 30 2 *'], /--schedule: .*(never|no run)/],
    [['--schedule', '30s', '--after', '2026-01-01T00:00:00'], /--after: .*no UTC offset/],
    [['--schedule', '30s', '--count', '0'], /--count: must be a whole number from 1 to 10000, got "0"/],
    [['--after', '2026-01-01T00:00:00Z'], /required option '--schedule <value>' not specified/],
  ])('%j', async (args, message) => {
    const result = await runCli(['schedule', 'next', ...args, ...(args.includes('--after') ? [] : ['--after', '2026-01-01T00:00:00Z'])]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
