/**
 * Stable hashes of an entry, so beat can tell what changed between two readings of the same entry:
 * whether its occurrences moved (an interval re-anchors, a cron entry keeps its last run) and
 * whether anything at all changed (which entries a reload touched). And the entry's jitter slot.
 */
import { digest } from '../util/digest.js';
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
  const fraction = digest('sha256', entry.name).readUIntBE(0, 6) / 2 ** 48;
  return Math.floor(fraction * entry.jitterMs);
}

function hash(text: string): string {
  return digest('sha256', text).toString('base64url');
}

/**
 * JSON with sorted keys (and bigints as strings), so equal values always hash equally: exactly
 * JSON.stringify with a replacer that rebuilds every object with its keys sorted (so index-like keys
 * come first, in numeric order, as in any object), written out directly. The replacer's copies made
 * fingerprinting 100k entries at start-up take seconds; a property test checks both agree.
 */
export function stableJson(value: object): string {
  return write('', value)!;
}

function write(key: string, value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? writeArray(value) : writeObject(value as Record<string, unknown>);
    default:
      return undefined;
  }
}

function writeArray(array: unknown[]): string {
  let json = '[';
  for (let i = 0; i < array.length; i++) json += `${i > 0 ? ',' : ''}${write(String(i), array[i]) ?? 'null'}`;
  return `${json}]`;
}

function writeObject(object: Record<string, unknown>): string {
  // Object.keys gives index-like keys first, in numeric order: only the others need sorting.
  const keys = Object.keys(object);
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys]!)) indexKeys++;
  sortFrom(keys, indexKeys);
  let json = '{';
  for (const key of keys) {
    const item = write(key, object[key]);
    if (item !== undefined) json += `${json.length > 1 ? ',' : ''}${JSON.stringify(key)}:${item}`;
  }
  return `${json}}`;
}

/**
 * Sorts keys[from..] by UTF-16 code units, in place. Objects here have a handful of keys, and
 * Array.prototype.sort allocated about half a kilobyte per call (300 MB for a 100k-entry start-up).
 */
function sortFrom(keys: string[], from: number): void {
  if (keys.length - from > 32) {
    const rest = keys.slice(from).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i < rest.length; i++) keys[from + i] = rest[i]!;
    return;
  }
  for (let i = from + 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= from && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
}

/** Keys objects keep first, in numeric order (ECMAScript array indices). */
function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 4_294_967_295;
}
