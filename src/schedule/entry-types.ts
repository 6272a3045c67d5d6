import type { Schedule } from './types.js';

export type MissedPolicy = 'once' | 'skip' | 'all';

/** Publishing options of an entry (schedules.md `options`). */
export interface EntryOptions {
  queue?: string;
  exchange?: string;
  routingKey?: string;
  /** 0-9; on Redis lower numbers are served first (kombu priority steps), on RabbitMQ higher ones. */
  priority?: number;
  /** Seconds after sending, or an absolute ISO instant. */
  expires?: number | string;
  headers?: Record<string, unknown>;
  compression?: 'zlib';
}

/**
 * One periodic task, whatever it was read from (a schedule file, the store, the CLI).
 * Produced only by parseEntry (entry.ts): one definition of what an entry is.
 */
export interface Entry {
  name: string;
  task: string;
  schedule: Schedule;
  /** The schedule value as written, for export, display and change detection. */
  scheduleValue: unknown;
  args: unknown[];
  kwargs: Record<string, unknown>;
  options: EntryOptions;
  /** The entry's own `timezone` field as written (the resolved zone is in the schedule). */
  timezone?: string;
  enabled: boolean;
  description?: string;
  startMs?: number;
  endMs?: number;
  limit?: number;
  /** Upper bound of the fixed per-entry send delay; 0 when unset. */
  jitterMs: number;
  missed: MissedPolicy;
  graceMs?: number;
  catchupLimit: number;
  /** Where it was defined: a file path, or `store`. */
  source: string;
}
