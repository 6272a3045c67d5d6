/** Celery's task states, as they appear in result backends (celery/states.py). */
export type TaskState = 'PENDING' | 'RECEIVED' | 'STARTED' | 'RETRY' | 'SUCCESS' | 'FAILURE' | 'REVOKED';

/** States after which a task's result never changes (Celery's READY_STATES). */
export const READY_STATES: ReadonlySet<TaskState> = new Set<TaskState>(['SUCCESS', 'FAILURE', 'REVOKED']);

/** Ready states that carry an exception rather than a value (Celery's EXCEPTION_STATES minus RETRY). */
export const FAILED_STATES: ReadonlySet<TaskState> = new Set<TaskState>(['FAILURE', 'REVOKED']);
