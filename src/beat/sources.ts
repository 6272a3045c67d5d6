import { readFile } from 'node:fs/promises';
import { ScheduleError } from '../errors.js';
import type { Entry } from '../schedule/entry-types.js';
import { digest } from '../util/digest.js';
import {
  listScheduleFiles,
  mergeScheduleFiles,
  parseScheduleFileText,
  type ScheduleFileResult,
  type ScheduleLoadOptions,
} from './schedule-files.js';

export interface SourcesReading {
  /** The entries to run: the new set, or the last good one when the new reading has problems. */
  entries: Entry[];
  /** Problems of this reading, each naming file, entry and field; empty when all is well. */
  errors: ScheduleError[];
}

interface FileMemory {
  /** A digest of the file's text: keeping the text itself would hold a 100k-entry file in memory for good. */
  textDigest: string;
  /** The file's last good reading, kept while the file is broken. */
  lastGood: ScheduleFileResult & { ok: true };
}

/**
 * The schedule files beat runs, remembered between readings: a file whose text did not change is
 * not parsed again, and a file saved broken keeps contributing its last good entries, so an invalid
 * edit never stops what was running. A set with the same name twice is refused as a whole.
 */
export class ScheduleSources {
  private readonly memory = new Map<string, FileMemory>();
  /** The files' entries of the last good reading; the store's are always taken as they are now. */
  private lastGoodFileEntries: Entry[] = [];

  constructor(
    readonly paths: string[],
    private readonly options: ScheduleLoadOptions = {},
    /** Entries from elsewhere (the schedule store) that share the name space. */
    private readonly extraEntries: () => Entry[] = () => [],
  ) {}

  async read(): Promise<SourcesReading> {
    let files: string[];
    try {
      files = await listScheduleFiles(this.paths);
    } catch (error) {
      return { entries: [...this.extraEntries(), ...this.lastGoodFileEntries], errors: [error as ScheduleError] };
    }
    const errors: ScheduleError[] = [];
    const results: ScheduleFileResult[] = [];
    for (const file of files) {
      const result = await this.readFile(file);
      if (!result.ok) errors.push(...result.errors);
      const good = result.ok ? result : this.memory.get(file)?.lastGood;
      if (good) results.push(good);
    }
    for (const file of this.memory.keys()) if (!files.includes(file)) this.memory.delete(file);

    const extra: ScheduleFileResult = { file: 'the schedule store', ok: true, entries: this.extraEntries() };
    const merged = mergeScheduleFiles(extra.entries.length > 0 ? [extra, ...results] : results);
    if (merged.errors.length > 0) return { entries: [...extra.entries, ...this.lastGoodFileEntries], errors: [...errors, ...merged.errors] };
    this.lastGoodFileEntries = results.flatMap((result) => (result.ok ? result.entries : []));
    return { entries: merged.entries, errors };
  }

  private async readFile(file: string): Promise<ScheduleFileResult> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      return { file, ok: false, errors: [new ScheduleError(`cannot read: ${(error as Error).message}`, { file })] };
    }
    const remembered = this.memory.get(file);
    const textDigest = digest('sha256', bytes).toString('base64');
    if (remembered && remembered.textDigest === textDigest) return remembered.lastGood;
    const result = parseScheduleFileText(file, bytes.toString('utf8'), this.options);
    if (result.ok) this.memory.set(file, { textDigest, lastGood: result });
    return result;
  }
}
