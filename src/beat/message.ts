import { buildTaskMessage } from '../protocol/build.js';
import { occurrenceTaskId } from '../protocol/ids.js';
import type { TaskMessage } from '../protocol/types.js';
import type { Entry } from '../schedule/entry-types.js';

/**
 * Message templates by what they are built from, shared by every entry that sends the same task with
 * the same arguments and options (a common set-up: one task on many schedules), so 100k such entries
 * hold one template instead of 100k. Held weakly: a template goes when the last entry using it does.
 */
const sharedTemplates = new Map<string, WeakRef<TaskMessage>>();
const forgetTemplate = new FinalizationRegistry<string>((key) => {
  if (sharedTemplates.get(key)?.deref() === undefined) sharedTemplates.delete(key);
});

/**
 * The messages of one entry's occurrences: a deterministic task id (the same on every beat and
 * restart), and the `periodic_task_name` / `celeriac_occurrence` headers so lateness and duplicates
 * can be measured from outside. Relative `expires` counts from the send, as Celery beat's
 * apply_async does.
 *
 * Everything that does not depend on the occurrence (body, reprs, route, compression) is built at
 * the first occurrence and copied for the next ones: a burst of 100k dispatches then costs a task
 * id and a copy each. Beat keeps one of these per scheduled entry.
 */
export class OccurrenceMessages {
  private template: TaskMessage | null = null;

  constructor(readonly entry: Entry) {}

  build(occurrenceMs: number, nowMs: number): TaskMessage {
    const { entry } = this;
    const id = occurrenceTaskId(entry.name, occurrenceMs);
    // An expiry depends on the moment of sending, so such entries are built whole every time.
    if (entry.options.expires !== undefined) return buildWhole(entry, id, occurrenceMs, nowMs);
    const template = (this.template ??= sharedTemplate(entry, () => buildWhole(entry, id, occurrenceMs, nowMs)));
    return {
      ...template,
      headers: { ...template.headers, id, root_id: id, periodic_task_name: entry.name, celeriac_occurrence: new Date(occurrenceMs).toISOString() },
      properties: { ...template.properties, correlation_id: id },
    };
  }
}

/** The message of one occurrence of an entry. */
export function buildOccurrenceMessage(entry: Entry, occurrenceMs: number, nowMs: number): TaskMessage {
  return new OccurrenceMessages(entry).build(occurrenceMs, nowMs);
}

function sharedTemplate(entry: Entry, build: () => TaskMessage): TaskMessage {
  // Equal JSON means an equal message: the body and the reprs are made from this same JSON.
  const key = JSON.stringify([entry.task, entry.args, entry.kwargs, entry.options]);
  let template = sharedTemplates.get(key)?.deref();
  if (template === undefined) {
    template = build();
    sharedTemplates.set(key, new WeakRef(template));
    forgetTemplate.register(template, key);
  }
  return template;
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
