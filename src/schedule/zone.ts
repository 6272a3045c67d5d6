/**
 * Time zones: checking a zone name, and a per-zone table of UTC offset changes so the cron engine
 * can map wall clock to instants with integer arithmetic (asking luxon once per day of a year the
 * first time that year is needed, instead of formatting dates on every step). Nothing here reads
 * the host's zone.
 */
import { IANAZone } from 'luxon';
import { ScheduleError } from '../errors.js';
import { DAY_MS, SECOND_MS } from './cron-calendar.js';

const displayNames = new Map<string, string>();

/**
 * The zone's name as users should see it, or a ScheduleError for an unknown zone. The name is kept as
 * written (`US/Eastern` stays a valid IANA link), with its case fixed (`america/new_york` →
 * `America/New_York`) and every spelling of UTC as `UTC`. It is not replaced by Intl's canonical name:
 * Node 20's ICU still calls zones by names IANA retired (`Asia/Kathmandu` → `Asia/Katmandu`,
 * `Europe/Kyiv` → `Europe/Kiev`), which users would not recognise.
 */
export function assertZone(zone: string): string {
  const known = displayNames.get(zone);
  if (known !== undefined) return known;
  // Newer Intl versions also take offsets like "+01:00"; schedules name IANA zones only.
  if (!IANAZone.isValidZone(zone) || /^[+-]/.test(zone)) {
    throw new ScheduleError(`unknown time zone "${zone}" (use an IANA name such as Europe/Stockholm or UTC)`);
  }
  const canonical = canonicalZone(zone);
  const display = canonical === 'UTC' || canonical.toLowerCase() === zone.toLowerCase() ? canonical : zone;
  displayNames.set(zone, display);
  return display;
}

const canonicalNames = new Map<string, string>();

/** Intl's canonical name: one key for every spelling of a zone (cached: Intl is slow to ask). */
function canonicalZone(zone: string): string {
  let canonical = canonicalNames.get(zone);
  if (canonical === undefined) {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    canonicalNames.set(zone, canonical);
  }
  return canonical;
}

/** A stretch of time [start, end) during which the zone's UTC offset does not change. */
export interface OffsetSpan {
  start: number;
  end: number;
  /** Wall clock minus UTC, in milliseconds. */
  offsetMs: number;
}

/** How much of the zone's history one scan covers (offsets are loaded a year at a time, on demand). */
const CHUNK_MS = 366 * DAY_MS;
/** A Date holds instants within this many milliseconds of the epoch. */
const LAST_INSTANT = 8.64e15;

/** The offset changes within [start, end); offsets[i] holds from transitions[i-1] (or start) on. */
interface Chunk {
  start: number;
  end: number;
  transitions: number[];
  offsets: number[];
}

/**
 * The UTC offsets of one zone, scanned a chunk (about a year) at a time when first asked about.
 * Offsets are sampled once a day and each change is bisected to the second. That misses only two
 * changes undoing each other within a day; checked against 6-hourly samples for all 418 zones over
 * 1970-2037, tzdata has none (nor any within a week).
 */
export class ZoneRules {
  private static readonly byZone = new Map<string, ZoneRules>();

  /** The (cached) rules of a zone, by any name assertZone accepts. */
  static of(zone: string): ZoneRules {
    const name = canonicalZone(assertZone(zone));
    let rules = ZoneRules.byZone.get(name);
    if (rules === undefined) {
      const zone = IANAZone.create(name);
      rules = new ZoneRules((instant) => zone.offset(instant));
      ZoneRules.byZone.set(name, rules);
    }
    return rules;
  }

  private readonly chunks = new Map<number, Chunk>();

  /** `offsetMinutes`: the zone's UTC offset in minutes at an instant (luxon's Zone.offset). */
  constructor(private readonly offsetMinutes: (instant: number) => number) {}

  /**
   * The span of constant offset containing `instant`. Its start and end are offset changes or
   * chunk edges, so consecutive spans may share an offset.
   */
  spanAt(instant: number): OffsetSpan {
    const chunk = this.chunkAt(instant);
    const { transitions } = chunk;
    let low = 0;
    let high = transitions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (transitions[middle]! <= instant) low = middle + 1;
      else high = middle;
    }
    return {
      start: low === 0 ? chunk.start : transitions[low - 1]!,
      end: low === transitions.length ? chunk.end : transitions[low]!,
      offsetMs: chunk.offsets[low]!,
    };
  }

  private chunkAt(instant: number): Chunk {
    if (!(Math.abs(instant) < LAST_INSTANT)) throw new RangeError(`instant ${instant} is outside the Date range`);
    const index = Math.floor(instant / CHUNK_MS);
    let chunk = this.chunks.get(index);
    if (chunk === undefined) {
      chunk = this.scan(Math.max(index * CHUNK_MS, -LAST_INSTANT), Math.min((index + 1) * CHUNK_MS, LAST_INSTANT));
      this.chunks.set(index, chunk);
    }
    return chunk;
  }

  private scan(start: number, end: number): Chunk {
    const transitions: number[] = [];
    const offsets = [this.offsetMs(start)];
    for (let sample = start; sample < end; ) {
      const next = Math.min(sample + DAY_MS, end);
      // A day holding two changes (rare) is bisected again from the first one found.
      let before = sample;
      while (this.offsetMs(next) !== offsets[offsets.length - 1]) {
        const change = this.firstChange(before, next, offsets[offsets.length - 1]!);
        if (change === end) break; // a change at the chunk's end is the next chunk's first offset
        transitions.push(change);
        offsets.push(this.offsetMs(change));
        before = change;
      }
      sample = next;
    }
    return { start, end, transitions, offsets };
  }

  /** The first whole second in (low, high] whose offset is not `offset`, given offset(low) is. */
  private firstChange(low: number, high: number, offset: number): number {
    while (high - low > SECOND_MS) {
      const middle = low + Math.floor((high - low) / 2 / SECOND_MS) * SECOND_MS;
      if (this.offsetMs(middle) === offset) low = middle;
      else high = middle;
    }
    return high;
  }

  private offsetMs(instant: number): number {
    return Math.round(this.offsetMinutes(instant) * 60_000);
  }
}
