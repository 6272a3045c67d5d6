import { readFileSync } from 'node:fs';

export interface RecordedMessage {
  sent: { task: string; id: string; args: unknown[]; kwargs: Record<string, unknown>; options: Record<string, unknown> };
  list: string;
  raw: string;
}

/**
 * Envelopes written by real Celery 5.2.6 / kombu 5.2.4, recorded with
 * `/usr/bin/python3 test/interop/python/record_messages.py > test/fixtures/protocol/celery-5.2.6-redis-messages.json`.
 */
export const celeryRecording = JSON.parse(
  readFileSync(new URL('../fixtures/protocol/celery-5.2.6-redis-messages.json', import.meta.url), 'utf8'),
) as { eta: string; expires: string; messages: RecordedMessage[] };

export const celeryMessages = celeryRecording.messages;

export function recorded(task: string): RecordedMessage {
  const found = celeryMessages.find((m) => m.sent.task === task);
  if (!found) throw new Error(`no recorded message for ${task}`);
  return found;
}
