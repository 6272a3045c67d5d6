import { TaskFailedError } from '../errors.js';
import { READY_STATES, type TaskState } from '../states.js';

/** A serialised exception, as Celery's JSON result backends store it. */
export interface ExceptionInfo {
  exc_type: string;
  exc_message: unknown[];
  exc_module: string | null;
}

/** Celery's `[[task_id, parent], None]` result tuple, as stored in `children`. */
export type ResultTuple = [[string, null], null];

/**
 * The stored state of one task: exactly Celery's result meta (backends/base.py _get_result_meta),
 * plus `duration` (seconds the run took), which Celery ignores and the schedule store shows.
 */
export interface ResultMeta {
  status: TaskState;
  result: unknown;
  traceback: string | null;
  children: ResultTuple[];
  date_done: string | null;
  task_id: string;
  parent_id?: string;
  group_id?: string;
  duration?: number;
}

/** JavaScript error names that are also Python builtins, so Python clients get the real class. */
const PYTHON_BUILTIN_ERRORS = new Set(['TypeError', 'SyntaxError']);

/** Serialises any thrown value the way Celery's prepare_exception does for JSON. */
export function serializeError(error: unknown): ExceptionInfo {
  if (error instanceof TaskFailedError) {
    return { exc_type: error.excType, exc_message: error.excMessage, exc_module: error.excModule };
  }
  if (error instanceof Error) {
    const type = errorTypeName(error);
    const declared = (error.constructor as { pythonModule?: unknown }).pythonModule;
    const module = typeof declared === 'string' ? declared : PYTHON_BUILTIN_ERRORS.has(type) ? 'builtins' : null;
    return { exc_type: type, exc_message: [error.message], exc_module: module };
  }
  return { exc_type: 'Error', exc_message: [String(error)], exc_module: null };
}

function errorTypeName(error: Error): string {
  // A subclass that does not set `name` still reports 'Error'; its class name says more.
  if (error.name === 'Error' && error.constructor.name && error.constructor !== Error) return error.constructor.name;
  return error.name || 'Error';
}

/** The traceback Celery stores beside a failure; ours is the JavaScript stack. */
export function tracebackOf(error: unknown): string | null {
  return error instanceof Error && error.stack ? error.stack : null;
}

/** Python's `datetime.utcnow().isoformat()` with microseconds: `2026-11-23T16:52:54.051000`. */
export function formatDateDone(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000`;
}

export interface MetaFields {
  taskId: string;
  state: TaskState;
  result?: unknown;
  traceback?: string | null;
  children?: ResultTuple[];
  parentId?: string | null;
  groupId?: string | null;
  durationSeconds?: number;
  /** When the state was reached; date_done is set for ready states only, as Celery does. */
  at: number;
}

export function buildMeta(fields: MetaFields): ResultMeta {
  const meta: ResultMeta = {
    status: fields.state,
    result: fields.result ?? null,
    traceback: fields.traceback ?? null,
    children: fields.children ?? [],
    date_done: READY_STATES.has(fields.state) ? formatDateDone(fields.at) : null,
    task_id: fields.taskId,
  };
  if (fields.groupId) meta.group_id = fields.groupId;
  if (fields.parentId) meta.parent_id = fields.parentId;
  if (fields.durationSeconds !== undefined) meta.duration = fields.durationSeconds;
  return meta;
}

export function resultTuple(taskId: string): ResultTuple {
  return [[taskId, null], null];
}

/** The error `AsyncResult.get()` throws for a FAILURE or REVOKED meta, whichever side stored it. */
export function errorFromMeta(meta: ResultMeta): TaskFailedError {
  const info = isExceptionInfo(meta.result) ? meta.result : { exc_type: 'Error', exc_message: [String(meta.result)], exc_module: null };
  const message = Array.isArray(info.exc_message) ? info.exc_message : [info.exc_message];
  return new TaskFailedError(meta.task_id, meta.status === 'REVOKED' ? 'REVOKED' : 'FAILURE', info.exc_type, info.exc_module ?? null, message, meta.traceback);
}

function isExceptionInfo(value: unknown): value is ExceptionInfo {
  return typeof value === 'object' && value !== null && typeof (value as { exc_type?: unknown }).exc_type === 'string';
}

/** Reads stored meta text; anything that is not a meta object is reported as corrupt. */
export function parseMeta(text: string, taskId: string): ResultMeta {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { status?: unknown }).status !== 'string') {
    throw new Error(`result of task ${taskId} is not a Celery result meta: ${text.slice(0, 200)}`);
  }
  return parsed as ResultMeta;
}
