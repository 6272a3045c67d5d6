import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { parseEntry } from '../../src/schedule/entry.js';
import type { Entry } from '../../src/schedule/entry-types.js';

/** A temporary folder removed after the suite. */
export function tempDir(prefix = 'celeriac-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A valid store entry (as the CLI would make it). */
export function storeEntry(name: string, raw: Record<string, unknown> = {}): Entry {
  return parseEntry(name, { task: 'tasks.add', schedule: '30s', ...raw }, { source: 'store' });
}

export interface QueuedMessage {
  id: string;
  task: string;
  entry: string | undefined;
  occurrence: string | undefined;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/** The task messages waiting in an embedded broker's file, oldest first. */
export function queuedMessages(file: string, queue?: string): QueuedMessage[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT payload FROM broker_messages WHERE @queue IS NULL OR queue = @queue ORDER BY id').all({ queue: queue ?? null }) as Array<{ payload: string }>;
    return rows.map(({ payload }) => {
      const envelope = JSON.parse(payload) as { headers: Record<string, string>; body: string };
      const [args, kwargs] = JSON.parse(Buffer.from(envelope.body, 'base64').toString()) as [unknown[], Record<string, unknown>];
      return {
        id: envelope.headers.id!,
        task: envelope.headers.task!,
        entry: envelope.headers.periodic_task_name,
        occurrence: envelope.headers.celeriac_occurrence,
        args,
        kwargs,
      };
    });
  } catch (error) {
    // Before beat created the broker's tables there is nothing queued.
    if (/no such table/.test((error as Error).message)) return [];
    throw error;
  } finally {
    db.close();
  }
}
