import { buildOccurrenceMessage } from '../beat/message.js';
import { uuid4 } from '../protocol/ids.js';
import type { TaskMessage } from '../protocol/types.js';
import type { Entry } from '../schedule/entry-types.js';

/**
 * The message of a `run-now`: the entry's message exactly as beat builds it (task, arguments,
 * route, options, `periodic_task_name`), under a fresh uuid4 task id and without the
 * `celeriac_occurrence` header, since a manual run is no occurrence of the schedule.
 */
export function manualRunMessage(entry: Entry, nowMs: number): TaskMessage {
  const message = buildOccurrenceMessage(entry, nowMs, nowMs);
  const { celeriac_occurrence: _occurrence, ...headers } = message.headers;
  const id = uuid4();
  return { ...message, headers: { ...headers, id, root_id: id }, properties: { ...message.properties, correlation_id: id } };
}
