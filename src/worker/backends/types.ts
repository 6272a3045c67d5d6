import type { ResultMeta } from './meta.js';

/** Where task states and results live (Redis, SQLite), read by clients and written by workers. */
export interface ResultBackend {
  /** The URL with its password masked, for banners and logs. */
  readonly displayUrl: string;
  /** Stores a state. A stored SUCCESS is final: a late duplicate never overwrites it (as Celery). */
  store(meta: ResultMeta): Promise<void>;
  /** The stored meta, or null while the task is PENDING (nothing stored). */
  get(taskId: string): Promise<ResultMeta | null>;
  /**
   * Resolves with the meta once the task reaches a ready state (SUCCESS, FAILURE, REVOKED).
   * Rejects with ResultTimeoutError after `timeoutMs`; waits without limit when it is omitted.
   */
  waitFor(taskId: string, options?: WaitOptions): Promise<ResultMeta>;
  close(): Promise<void>;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** How often to read the stored state while waiting (the fallback when no notification comes). */
  pollIntervalMs?: number;
}
