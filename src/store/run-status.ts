import type { ResultMeta } from '../worker/backends/meta.js';
import type { ResultBackend } from '../worker/backends/types.js';
import type { RunRecord } from './run-history.js';

/** A run with what the result backend knows of it. */
export interface RunStatus extends RunRecord {
  /** Celery's state (PENDING when the backend has nothing yet); null without a result backend. */
  state: string | null;
  /** When the task finished (the backend's date_done), ms since the epoch. */
  finishedAtMs: number | null;
  /** Seconds the run took: celeriac workers report it, Celery 5.2's results carry none. */
  durationSeconds: number | null;
  /** The value a successful run returned. */
  result?: unknown;
  /** `ExceptionType: message` of a failed or revoked run. */
  error?: string;
}

/**
 * Joins runs with their result metas. Reads go out together (the Redis backend pipelines them), so
 * a list of thousands of entries costs one round trip's worth of waiting.
 */
export async function runStatuses(runs: RunRecord[], backend: ResultBackend | null): Promise<RunStatus[]> {
  if (backend === null) return runs.map((run) => ({ ...run, state: null, finishedAtMs: null, durationSeconds: null }));
  const metas = await Promise.all(runs.map((run) => backend.get(run.taskId)));
  return runs.map((run, i) => withMeta(run, metas[i] ?? null));
}

function withMeta(run: RunRecord, meta: ResultMeta | null): RunStatus {
  if (meta === null) return { ...run, state: 'PENDING', finishedAtMs: null, durationSeconds: null };
  const status: RunStatus = {
    ...run,
    state: meta.status,
    finishedAtMs: meta.date_done ? parseDateDone(meta.date_done) : null,
    durationSeconds: typeof meta.duration === 'number' ? meta.duration : null,
  };
  if (meta.status === 'SUCCESS') status.result = meta.result;
  else if (meta.status === 'FAILURE' || meta.status === 'REVOKED') status.error = describeError(meta.result);
  return status;
}

/** Celery writes `datetime.utcnow().isoformat()`: UTC without an offset. */
function parseDateDone(text: string): number | null {
  const ms = Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** Celery's serialised exception `{exc_type, exc_message, exc_module}` as `Type: message`. */
function describeError(result: unknown): string {
  if (result !== null && typeof result === 'object' && 'exc_type' in result) {
    const { exc_type: type, exc_message: message } = result as { exc_type: unknown; exc_message: unknown };
    const text = Array.isArray(message) ? message.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(', ') : String(message ?? '');
    return text ? `${String(type)}: ${text}` : String(type);
  }
  return typeof result === 'string' ? result : JSON.stringify(result);
}
