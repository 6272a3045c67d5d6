import { buildTaskMessage } from '../protocol/build.js';
import { occurrenceTaskId } from '../protocol/ids.js';
import type { TaskMessage } from '../protocol/types.js';
import type { Entry } from '../schedule/entry-types.js';

/**
 * Each entry's message with everything that does not depend on the occurrence (body, reprs,
 * route, compression) built once: a burst of 100k dispatches then costs a task id and a copy each.
 */
const templates = new WeakMap<Entry, TaskMessage>();

/**
 * The message of one occurrence: a deterministic task id (the same on every beat and restart), and
 * the `periodic_task_name` / `celeriac_occurrence` headers so lateness and duplicates can be measured
 * from outside. Relative `expires` counts from the send, as Celery beat's apply_async does.
 */
export function buildOccurrenceMessage(entry: Entry, occurrenceMs: number, nowMs: number): TaskMessage {
  const id = occurrenceTaskId(entry.name, occurrenceMs);
  // An expiry depends on the moment of sending, so such entries are built whole every time.
  if (entry.options.expires !== undefined) return buildWhole(entry, id, occurrenceMs, nowMs);
  let template = templates.get(entry);
  if (!template) {
    template = buildWhole(entry, id, occurrenceMs, nowMs);
    templates.set(entry, template);
  }
  return {
    ...template,
    headers: { ...template.headers, id, root_id: id, celeriac_occurrence: new Date(occurrenceMs).toISOString() },
    properties: { ...template.properties, correlation_id: id },
  };
}

function buildWhole(entry: Entry, id: string, occurrenceMs: number, nowMs: number): TaskMessage {
  const { options } = entry;
  return buildTaskMessage(
    {
      task: entry.task,
      id,
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
