import type { Delivery } from '../broker/interfaces.js';
import { parseIsoInstant } from '../protocol/iso-time.js';
import type { DecodedTask } from '../protocol/types.js';
import type { TaskDefinition } from './registry.js';
import type { TaskRequestInfo } from './task-types.js';

/** One received task message the worker has accepted: decoded, with its task and its timing. */
export interface TaskRequest {
  readonly delivery: Delivery;
  readonly decoded: DecodedTask;
  readonly definition: TaskDefinition;
  readonly info: TaskRequestInfo;
  /** Not before (ms since the epoch); undefined runs at once. */
  readonly etaMs: number | undefined;
  /** Revoked from then on. */
  readonly expiresMs: number | undefined;
  /** Seconds; the message's timelimit header wins over the task's options, as in Celery. */
  readonly hardLimit: number | undefined;
  readonly softLimit: number | undefined;
  readonly acksLate: boolean;
  readonly ignoreResult: boolean;
  readonly trackStarted: boolean;
}

export function createTaskRequest(delivery: Delivery, decoded: DecodedTask, definition: TaskDefinition, hostname: string): TaskRequest {
  const { headers } = decoded;
  const [hard, soft] = headers.timelimit ?? [null, null];
  return {
    delivery,
    decoded,
    definition,
    info: {
      id: headers.id,
      name: headers.task,
      args: decoded.args,
      kwargs: decoded.kwargs,
      retries: typeof headers.retries === 'number' ? headers.retries : 0,
      rootId: headers.root_id,
      parentId: headers.parent_id ?? null,
      groupId: headers.group ?? null,
      eta: headers.eta ?? null,
      expires: headers.expires ?? null,
      hostname,
      queue: delivery.message.queue,
    },
    etaMs: instant(headers.eta),
    expiresMs: instant(headers.expires),
    hardLimit: hard ?? definition.options.timeLimit,
    softLimit: soft ?? definition.options.softTimeLimit,
    acksLate: definition.options.acksLate ?? false,
    ignoreResult: headers.ignore_result === true || definition.options.ignoreResult === true,
    trackStarted: definition.options.trackStarted ?? false,
  };
}

/** eta/expires as Celery writes them; a time without offset is taken as UTC. */
function instant(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const parsed = parseIsoInstant(text);
  if (!parsed) throw new Error(`"${text}" is not an ISO-8601 instant`);
  return parsed.ms;
}
