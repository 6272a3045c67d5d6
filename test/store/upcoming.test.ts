import { describe, expect, it } from 'vitest';
import type { EntryState } from '../../src/beat/interfaces.js';
import { scheduleFingerprint } from '../../src/schedule/fingerprint.js';
import { upcomingRuns } from '../../src/store/upcoming.js';
import { storeEntry } from './helpers.js';

const NOW = Date.parse('2026-03-01T12:00:10Z');

function stateOf(entry: ReturnType<typeof storeEntry>, fields: Partial<EntryState>): EntryState {
  return { lastRunMs: null, runs: 0, anchorMs: 0, sinceMs: 0, fingerprint: scheduleFingerprint(entry), enabled: true, ...fields };
}

describe('upcoming runs for list and show', () => {
  it("follows the interval grid beat persisted (its anchor), not the moment of asking", () => {
    const entry = storeEntry('every-30s', { schedule: '30s' });
    const anchorMs = Date.parse('2026-03-01T12:00:03Z');
    expect(upcomingRuns(entry, stateOf(entry, { anchorMs }), NOW, 3).map((ms) => new Date(ms).toISOString())).toEqual([
      '2026-03-01T12:00:33.000Z', '2026-03-01T12:01:03.000Z', '2026-03-01T12:01:33.000Z',
    ]);
  });

  it('places an entry beat has not seen as beat would on seeing it now: one interval later', () => {
    const entry = storeEntry('every-30s', { schedule: '30s' });
    expect(upcomingRuns(entry, undefined, NOW, 1)).toEqual([NOW + 30_000]);
  });

  it("ignores state of an older definition (beat re-anchors an edited schedule when it applies it)", () => {
    const entry = storeEntry('edited', { schedule: '30s' });
    const stale = { ...stateOf(entry, { anchorMs: NOW - 7_000 }), fingerprint: 'an older schedule' };
    expect(upcomingRuns(entry, stale, NOW, 1)).toEqual([NOW + 30_000]);
  });

  it('runs cron entries in their zone', () => {
    const entry = storeEntry('morning', { schedule: '0 7 * * *', timezone: 'Asia/Shanghai' });
    expect(upcomingRuns(entry, undefined, NOW, 2).map((ms) => new Date(ms).toISOString())).toEqual(['2026-03-01T23:00:00.000Z', '2026-03-02T23:00:00.000Z']);
  });

  it('has none for a disabled entry, and no more than its limit leaves', () => {
    expect(upcomingRuns(storeEntry('off', { enabled: false }), undefined, NOW, 5)).toEqual([]);
    const limited = storeEntry('limited', { limit: 3 });
    expect(upcomingRuns(limited, stateOf(limited, { runs: 1, anchorMs: NOW }), NOW, 5)).toHaveLength(2);
    expect(upcomingRuns(limited, stateOf(limited, { runs: 3, anchorMs: NOW }), NOW, 5)).toEqual([]);
  });

  it('stops where the schedule ends', () => {
    const once = storeEntry('once', { schedule: { clocked: '2026-03-02T00:00:00Z' } });
    expect(upcomingRuns(once, undefined, NOW, 5)).toEqual([Date.parse('2026-03-02T00:00:00Z')]);
  });
});
