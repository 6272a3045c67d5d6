/** Text output shared by the store commands. */
import { describeSchedule } from '../../schedule/describe.js';
import type { Entry } from '../../schedule/entry-types.js';
import { formatInstant } from '../../schedule/instant.js';

/** Columns aligned under their headers, two spaces apart. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].map((text) => `${text}\n`).join('');
}

/** An instant as ISO-8601 UTC, or `-` when there is none. */
export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : formatInstant(ms);
}

/** The zone an entry's times are read in: a cron schedule's, else the entry's own, else none (`-`). */
export function entryZone(entry: Entry): string {
  return entry.schedule.kind === 'cron' ? entry.schedule.timezone : entry.timezone ?? '-';
}

/** `"name": task, schedule in words` (and `, disabled`), for confirmations. */
export function describeEntry(entry: Entry): string {
  return `"${entry.name}": ${entry.task}, ${describeSchedule(entry.schedule)}${entry.enabled ? '' : ', disabled'}`;
}
