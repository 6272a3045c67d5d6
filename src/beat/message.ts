import { buildTaskMessage } from '../protocol/build.js';
import { occurrenceTaskId } from '../protocol/ids.js';
import type { TaskMessage } from '../protocol/types.js';
import type { Entry } from '../schedule/entry-types.js';

/**
 * The message of one occurrence: a deterministic task id (the same on every beat and restart), and
 * the `periodic_task_name` / `celeriac_occurrence` headers so lateness and duplicates can be measured
 * from outside. Relative `expires` counts from the send, as Celery beat's apply_async does.
 */
export function buildOccurrenceMessage(entry: Entry, occurrenceMs: number, nowMs: number): TaskMessage {
  const { options } = entry;
  return buildTaskMessage(
    {
      task: entry.task,
      id: occurrenceTaskId(entry.name, occurrenceMs),
      args: entry.args,
      kwargs: entry.kwargs,
      headers: {
        ...options.headers,
        periodic_task_name: entry.name,
        celeriac_occurrence: new Date(occurrenceMs).toISOString(),
      },
      queue: options.queue,
      exchange: options.exchange,
      routingKey: options.routingKey,
      priority: options.priority,
      expires: options.expires,
      compression: options.compression,
    },
    nowMs,
  );
}
