import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEntry } from '../../src/schedule/entry.js';
import { definitionFingerprint, jitterOffsetMs, scheduleFingerprint, stableJson } from '../../src/schedule/fingerprint.js';

/** sha256("nightly-backup"), first 48 bits as a fraction of 60 s; must never change between releases. */
const PINNED_NIGHTLY_BACKUP_OFFSET = 13_287;

const entry = (raw: Record<string, unknown>, timezone?: string, name = 'e', source = 'a.yaml') =>
  parseEntry(name, { task: 't', ...raw }, { file: source, timezone });

describe('scheduleFingerprint', () => {
  it('is the same for values that mean the same occurrences', () => {
    const base = scheduleFingerprint(entry({ schedule: 30 }));
    expect(scheduleFingerprint(entry({ schedule: '30s' }))).toBe(base);
    expect(scheduleFingerprint(entry({ schedule: 'PT30S' }))).toBe(base);
    expect(scheduleFingerprint(entry({ schedule: { every: 0.5, period: 'minutes' } }))).toBe(base);
    expect(scheduleFingerprint(entry({ schedule: '0 9 * * mon' }))).toBe(scheduleFingerprint(entry({ schedule: '0 9 * * 1' })));
  });

  it('ignores what does not move occurrences', () => {
    const base = scheduleFingerprint(entry({ schedule: '0 9 * * *' }));
    expect(scheduleFingerprint(entry({ schedule: '0 9 * * *', description: 'x', args: [1], limit: 5, enabled: false }))).toBe(base);
  });

  it('changes with the schedule, its resolved zone and start', () => {
    const base = scheduleFingerprint(entry({ schedule: '0 9 * * *' }));
    expect(scheduleFingerprint(entry({ schedule: '0 10 * * *' }))).not.toBe(base);
    expect(scheduleFingerprint(entry({ schedule: '0 9 * * *' }, 'Europe/Stockholm'))).not.toBe(base);
    expect(scheduleFingerprint(entry({ schedule: '0 9 * * *', start: '2026-01-01T00:00:00Z' }))).not.toBe(base);
    expect(scheduleFingerprint(entry({ schedule: 30 }))).not.toBe(scheduleFingerprint(entry({ schedule: 31 })));
  });
});

describe('scheduleFingerprint values', () => {
  // Stored with every entry's state: a new value re-anchors every entry of every running beat on upgrade.
  it.each([
    [{ schedule: 30 }, 'T4lXwFhtNRc6FQZO_cHk1YVhVydxQKexmXgzcPdhpoA'],
    [{ schedule: 10, start: '2026-01-01T00:00:00.250Z' }, 'Td3dfp2PRmdERCuQO8lCFZBwdSgTz-YKKKqTV4GqBSg'],
    [{ schedule: { solar: 'sunset', lat: 59.33, lon: 18.06 } }, 'l4XXALgvQu1jwr6tS43YhMdRaC9L7FYxtM5wy3AmZ2Q'],
    [{ schedule: { clocked: '2026-12-24T18:00:00+01:00' } }, 'furwIBRoCd9wTtQZuVEAZPnnw78YQvQnqlrdVnixjkU'],
  ])('is pinned for %j', (raw, fingerprint) => {
    expect(scheduleFingerprint(entry(raw))).toBe(fingerprint);
  });
});

describe('stableJson', () => {
  /** What fingerprints were first defined as. */
  const replacerJson = (value: unknown) => JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return item;
  });

  it('writes what JSON.stringify with a key-sorting replacer writes', () => {
    const values = fc.anything({ withBigInt: true, withDate: true, withBoxedValues: true, withSparseArray: true, withNullPrototype: true, withTypedArray: true, withMap: true });
    fc.assert(fc.property(values, (value) => {
      expect(stableJson({ value })).toBe(replacerJson({ value }));
    }), { numRuns: 2000 });
  });

  it('puts index-like keys first in numeric order, then the others sorted', () => {
    expect(stableJson({ b: 1, 10: 2, a: 3, 2: 4, '01': 5 })).toBe('{"2":4,"10":2,"01":5,"a":3,"b":1}');
  });
});

describe('definitionFingerprint', () => {
  it('changes when any field changes, not when the entry moves to another file', () => {
    const base = definitionFingerprint(entry({ schedule: '0 9 * * *' }));
    expect(definitionFingerprint(entry({ schedule: '0 9 * * *' }, undefined, 'e', 'b.yaml'))).toBe(base);
    for (const change of [{ description: 'x' }, { args: [1] }, { enabled: false }, { options: { queue: 'q' } }, { missed: 'skip' }, { task: 'u' }]) {
      expect(definitionFingerprint(entry({ schedule: '0 9 * * *', ...change }))).not.toBe(base);
    }
    expect(definitionFingerprint(entry({ schedule: '0 9 * * *' }, undefined, 'f'))).not.toBe(base);
  });
});

describe('jitterOffsetMs', () => {
  it('is zero without jitter', () => {
    expect(jitterOffsetMs(entry({ schedule: 3 }))).toBe(0);
  });

  it('is a fixed function of the name, pinned so it never moves between releases', () => {
    expect(jitterOffsetMs(entry({ schedule: 3, jitter: '60s' }, undefined, 'nightly-backup'))).toBe(PINNED_NIGHTLY_BACKUP_OFFSET);
  });

  it('stays in [0, jitter) and spreads entries sharing a schedule', () => {
    const offsets = Array.from({ length: 1000 }, (_, i) => jitterOffsetMs(entry({ schedule: 3, jitter: '10s' }, undefined, `entry-${i}`)));
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThan(10_000);
    const perSecond = new Array(10).fill(0);
    for (const offset of offsets) perSecond[Math.floor(offset / 1000)]++;
    for (const count of perSecond) expect(count).toBeGreaterThan(60);
  });
});
