/**
 * Stable hashes of an entry, so beat can tell what changed between two readings of the same entry:
 * whether its occurrences moved (an interval re-anchors, a cron entry keeps its last run) and
 * whether anything at all changed (which entries a reload touched). And the entry's jitter slot.
 */
import { createHash } from 'node:crypto';
import { entryToRaw } from './entry.js';
import type { Entry } from './entry-types.js';

/**
 * Changes exactly when the occurrence instants can change: the compiled schedule (so `30`, `30s`
 * and `PT30S` are one schedule, and so are `0 9 * * mon` and `0 9 * * 1`: cron counts by its
 * compiled fields and resolved zone, not its text) and `start`.
 */
export function scheduleFingerprint(entry: Entry): string {
  const { schedule } = entry;
  const occurrences = schedule.kind === 'cron' ? { ...schedule, expression: undefined } : schedule;
  return hash(stableJson({ schedule: occurrences, start: entry.startMs ?? null }));
}

/** Changes when anything in the entry's definition changes (not where it is defined). */
export function definitionFingerprint(entry: Entry): string {
  return hash(stableJson({ name: entry.name, ...entryToRaw(entry) }));
}

/**
 * The entry's fixed send delay in [0, jitter): a function of its name only, so every beat and every
 * restart gives the same slot, and entries sharing a schedule spread out.
 */
export function jitterOffsetMs(entry: Entry): number {
  if (entry.jitterMs === 0) return 0;
  const fraction = createHash('sha256').update(entry.name).digest().readUIntBE(0, 6) / 2 ** 48;
  return Math.floor(fraction * entry.jitterMs);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** JSON with sorted keys (and bigints as strings), so equal values always hash equally. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return item;
  });
}
