import type { Outcome } from '../invoke.js';
import type { TaskRequestInfo } from '../task-types.js';

/** What a pool thread is started with. */
export interface ThreadData {
  moduleFile: string;
  /** The worker's broker and result backend URLs, which win over the module's (--broker...). */
  broker?: string;
  resultBackend?: string;
}

/** Pool → thread: run a task, or its soft time limit passed. */
export type ThreadRequest = { type: 'run'; info: TaskRequestInfo } | { type: 'soft'; seconds: number };

/** Thread → pool: ready to run, could not load the app, or a run's outcome. */
export type ThreadReply = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'done'; outcome: Outcome };
