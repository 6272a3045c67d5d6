/**
 * Time zones: checking a zone name, and a per-zone table of UTC offset changes so the cron engine
 * can map wall clock to instants with integer arithmetic (asking luxon once per day of a year the
 * first time that year is needed, instead of formatting dates on every step). Nothing here reads
 * the host's zone.
 */
import { IANAZone } from 'luxon';
import { ScheduleError } from '../errors.js';
import { DAY_MS, SECOND_MS } from './cron-calendar.js';

const canonicalNames = new Map<string, string>();

/** The canonical IANA name of `zone` (`utc` → `UTC`, `US/Eastern` → `America/New_York`), or a ScheduleError. */
export function assertZone(zone: string): string {
  const known = canonicalNames.get(zone);
  if (known !== undefined) return known;
  // Newer Intl versions also take offsets like "+01:00"; schedules name IANA zones only.
  if (!IANAZone.isValidZone(zone) || /^[+-]/.test(zone)) {
    throw new ScheduleError(`unknown time zone "${zone}" (use an IANA name such as Europe/Stockholm or UTC)`);
  }
  const canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  canonicalNames.set(zone, canonical);
  return canonical;
}

/** A stretch of time [start, end) during which the zone's UTC offset does not change. */
export interface OffsetSpan {
  start: number;
  end: number;
  /** Wall clock minus UTC, in milliseconds. */
  offsetMs: number;
}

/** How much of the zone's history one scan covers (its offsets are loaded a year at a time). */
const CHUNK_MS = 366 * DAY_MS;
/** A Date holds instants within this many milliseconds of the epoch. */
const LAST_INSTANT = 8.64e15;

/**
 * The UTC offsets of one zone over the years asked about so far (a contiguous range that grows on
 * demand). Offsets are sampled once a day and each change is bisected to the second: tzdata has no
 * two changes that undo each other within one day.
 */
export class ZoneRules {
  private static readonly byZone = new Map<string, ZoneRules>();

  /** The (cached) rules of a zone, by any name assertZone accepts. */
  static of(zone: string): ZoneRules {
    const name = assertZone(zone);
    let rules = ZoneRules.byZone.get(name);
    if (rules === undefined) {
      rules = new ZoneRules(IANAZone.create(name));
      ZoneRules.byZone.set(name, rules);
    }
    return rules;
  }

  /** Loaded range [from, to). */
  private from = 0;
  private to = 0;
  /** Instants in (from, to) where the offset changes, ascending. */
  private transitions: number[] = [];
  /** offsets[i] holds on [transitions[i-1], transitions[i]) (the range ends standing in at both ends). */
  private offsets: number[] = [];

  private constructor(private readonly zone: IANAZone) {}

  get name(): string {
    return this.zone.name;
  }

  offsetAt(instant: number): number {
    this.load(instant);
    return this.offsets[this.spanIndex(instant)]!;
  }

  /**
   * The span of constant offset containing `instant`. Its start and end are offset changes or the
   * edges of what is loaded so far, so consecutive spans may share an offset.
   */
  spanAt(instant: number): OffsetSpan {
    this.load(instant);
    const index = this.spanIndex(instant);
    return {
      start: index === 0 ? this.from : this.transitions[index - 1]!,
      end: index === this.transitions.length ? this.to : this.transitions[index]!,
      offsetMs: this.offsets[index]!,
    };
  }

  /** Number of transitions at or before `instant`. */
  private spanIndex(instant: number): number {
    let low = 0;
    let high = this.transitions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.transitions[middle]! <= instant) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private load(instant: number): void {
    if (!(Math.abs(instant) < LAST_INSTANT)) throw new RangeError(`instant ${instant} is outside the Date range`);
    if (this.offsets.length === 0) {
      const start = Math.max(Math.floor(instant / CHUNK_MS) * CHUNK_MS, -LAST_INSTANT);
      const end = Math.min(start + CHUNK_MS, LAST_INSTANT);
      const scan = this.scan(start, end);
      this.from = start;
      this.to = end;
      this.transitions = scan.transitions;
      this.offsets = scan.offsets;
    }
    while (instant >= this.to) {
      const end = Math.min(this.to + CHUNK_MS, LAST_INSTANT);
      const scan = this.scan(this.to, end);
      // The old end was no change of offset, only where the table stopped.
      this.transitions.push(...scan.transitions);
      this.offsets.push(...scan.offsets.slice(1));
      this.to = end;
    }
    while (instant < this.from) {
      const start = Math.max(this.from - CHUNK_MS, -LAST_INSTANT);
      const scan = this.scan(start, this.from);
      this.transitions.unshift(...scan.transitions);
      this.offsets.unshift(...scan.offsets.slice(0, -1));
      this.from = start;
    }
  }

  /** The offset changes in (start, end) and the offsets between them (one more than changes). */
  private scan(start: number, end: number): { transitions: number[]; offsets: number[] } {
    const transitions: number[] = [];
    const offsets = [this.offsetMs(start)];
    for (let sample = start; sample < end; ) {
      const next = Math.min(sample + DAY_MS, end);
      // A day holding two changes (rare) is bisected again from the first one found.
      let before = sample;
      while (this.offsetMs(next) !== offsets[offsets.length - 1]) {
        const change = this.firstChange(before, next, offsets[offsets.length - 1]!);
        transitions.push(change);
        offsets.push(this.offsetMs(change));
        before = change;
      }
      sample = next;
    }
    return { transitions, offsets };
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
    return Math.round(this.zone.offset(instant) * 60_000);
  }
}
