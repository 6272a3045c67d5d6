import type { TaskMessage } from '../protocol/types.js';

/**
 * What beat remembers of an entry, shared by every beat pointed at the same state.
 * "Last run" is always an occurrence's intended instant, never the moment it was sent.
 */
export interface EntryState {
  /** The newest occurrence handled (sent, or dropped by the missed policy); null before the first. */
  lastRunMs: number | null;
  /** Occurrences published so far (for `limit`). */
  runs: number;
  /** Interval grid anchor: the moment the schedule was first seen or last changed (`start` wins, see nextEntryRun). */
  anchorMs: number;
  /** Occurrences at or before this instant never count (first seen, schedule changed, re-enabled). */
  sinceMs: number;
  /** scheduleFingerprint of the definition the anchor belongs to. */
  fingerprint: string;
  enabled: boolean;
}

/** Announces an entry's current definition; the backend creates or updates its state atomically. */
export interface Registration {
  name: string;
  fingerprint: string;
  enabled: boolean;
}

/**
 * Claims occurrences of one entry: succeeds only if the stored last run is still `expectedLastRunMs`
 * (so two beats never both send), then stores `lastRunMs`, adds the messages to `runs` and enqueues
 * them, all in one atomic step.
 */
export interface Claim {
  name: string;
  expectedLastRunMs: number | null;
  lastRunMs: number;
  messages: TaskMessage[];
}

export type ClaimOutcome = { ok: true } | { ok: false; current: EntryState | null };

/** Where beat state lives: in Redis beside the queue, or in the SQLite file of the embedded broker. */
export interface BeatStateBackend {
  /** For the banner: where state is kept (password masked). */
  readonly description: string;
  register(registrations: Registration[], nowMs: number): Promise<Map<string, EntryState>>;
  /** Outcomes in the order of `claims`. Throws when the backend cannot be reached (nothing was claimed, or unknown). */
  claim(claims: Claim[]): Promise<ClaimOutcome[]>;
  /** Current state of entries, for diagnostics and conflict recovery. */
  read(names: string[]): Promise<Map<string, EntryState>>;
  close(): Promise<void>;
}
