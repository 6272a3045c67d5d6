/**
 * Schedule files (schedules.md "Schedule files"): YAML or JSON files, or folders of them, each with
 * an optional `timezone` and a mapping of `entries`. A file is loaded whole or not at all, so beat
 * can keep the last good version of a file that was saved broken; loading one file and merging
 * per-file results are separate steps, so a reload can re-read just the files that changed.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ScheduleError } from '../errors.js';
import { describeType } from '../schedule/duration.js';
import { parseEntry } from '../schedule/entry.js';
import type { Entry } from '../schedule/entry-types.js';
import { assertZone } from '../schedule/zone.js';

export interface ScheduleLoadOptions {
  /** Beat's `--timezone`: the zone of entries whose file sets none. */
  timezone?: string;
}

/** One file: either all its entries, or every problem found in it (one per entry at most). */
export type ScheduleFileResult =
  | { file: string; ok: true; entries: Entry[] }
  | { file: string; ok: false; errors: ScheduleError[] };

export interface LoadedSchedules {
  /** Per file, in load order (folders sorted by name). */
  files: ScheduleFileResult[];
  /** The entries of the good files. */
  entries: Entry[];
  /** Every problem, each naming file, entry and field; empty when all is well. */
  errors: ScheduleError[];
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const FILE_KEYS = ['timezone', 'entries'];

/** Loads every schedule file among `paths` (files and folders) and checks names are unique. */
export async function loadScheduleSources(paths: string[], options: ScheduleLoadOptions = {}): Promise<LoadedSchedules> {
  const files = await listScheduleFiles(paths);
  return mergeScheduleFiles(await Promise.all(files.map((file) => loadScheduleFile(file, options))));
}

/**
 * The schedule files that `paths` name: files as given, and the .yaml/.yml/.json files directly in
 * each folder, sorted (hidden files, such as editors' lock files, are skipped).
 * A path that does not exist, or a file of another kind, is an error.
 */
export async function listScheduleFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (info === null) throw new ScheduleError('no such file or folder', { file: path });
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((name) => !name.startsWith('.') && EXTENSIONS.has(extname(name).toLowerCase()));
      for (const name of names.sort()) files.push(join(path, name));
    } else if (EXTENSIONS.has(extname(path).toLowerCase())) {
      files.push(path);
    } else {
      throw new ScheduleError('not a schedule file (expected .yaml, .yml or .json)', { file: path });
    }
  }
  return [...new Set(files)];
}

/** Reads and validates one file; never throws for what is in the file. */
export async function loadScheduleFile(file: string, options: ScheduleLoadOptions = {}): Promise<ScheduleFileResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { file, ok: false, errors: [new ScheduleError(`cannot read: ${(error as Error).message}`, { file })] };
  }
  return parseScheduleFileText(file, text, options);
}

/** Validates the text of a schedule file; `file` decides the format and names the file in errors. */
export function parseScheduleFileText(file: string, text: string, options: ScheduleLoadOptions = {}): ScheduleFileResult {
  let document: unknown;
  try {
    document = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const format = extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML';
    const detail = (error as Error).message.replace(/\s+/g, ' ').trim();
    return { file, ok: false, errors: [new ScheduleError(`invalid ${format}: ${detail}`, { file })] };
  }
  const errors: ScheduleError[] = [];
  const entries: Entry[] = [];
  try {
    const { timezone, rawEntries } = readDocument(document, options);
    const context = { file, timezone, source: file };
    // Keys, not Object.entries' [name, value] pairs: for a 100k-entry file those pairs live through the
    // whole loop and end up as old-generation garbage.
    for (const name of Object.keys(rawEntries)) {
      const raw = rawEntries[name];
      try {
        entries.push(parseEntry(name, raw, context));
      } catch (error) {
        if (!(error instanceof ScheduleError)) throw error;
        errors.push(error);
      }
    }
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    errors.push(error.at({ file }));
  }
  return errors.length ? { file, ok: false, errors } : { file, ok: true, entries };
}

/**
 * YAML with merge keys, duplicate keys being an error. yaml's own duplicate check (`uniqueKeys`)
 * compares each key with every earlier key of its map, which is quadratic: measured here, 10,000
 * entries took 15 s and 20,000 took 100 s. So parse without it and check each map once with a Set.
 */
function parseYaml(text: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: false, merge: true, lineCounter });
  const [error] = document.errors;
  if (error) throw error;
  assertUniqueKeys(document, lineCounter);
  return document.toJS();
}

function assertUniqueKeys(document: Document, lineCounter: LineCounter): void {
  visit(document, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const { key } of map.items) {
        const name = String(isScalar(key) ? key.value : key);
        if (name === '<<') continue; // merge keys may repeat
        if (seen.has(name)) {
          const line = isScalar(key) && key.range ? ` at line ${lineCounter.linePos(key.range[0]).line}` : '';
          throw new Error(`duplicate key "${name}"${line}`);
        }
        seen.add(name);
      }
    },
  });
}

function readDocument(document: unknown, options: ScheduleLoadOptions): { timezone: string | undefined; rawEntries: Record<string, unknown> } {
  // An empty file (or only comments) defines nothing, which is fine.
  if (document === null || document === undefined) return { timezone: options.timezone, rawEntries: {} };
  if (!isMapping(document)) {
    throw new ScheduleError(`a schedule file must be a mapping with "timezone" and "entries", got ${describeType(document)}`);
  }
  const unknown = Object.keys(document).find((key) => !FILE_KEYS.includes(key));
  if (unknown !== undefined) {
    throw new ScheduleError(`unknown top-level key (allowed: ${FILE_KEYS.join(', ')}; entries go under "entries")`, { field: unknown });
  }
  let timezone = options.timezone;
  if (document.timezone !== undefined) {
    if (typeof document.timezone !== 'string') {
      throw new ScheduleError(`must be a time zone name, got ${describeType(document.timezone)}`, { field: 'timezone' });
    }
    try {
      timezone = assertZone(document.timezone);
    } catch (error) {
      throw error instanceof ScheduleError ? error.at({ field: 'timezone' }) : error;
    }
  }
  const rawEntries = document.entries ?? {};
  if (!isMapping(rawEntries)) {
    throw new ScheduleError(`must be a mapping of entry names to entries, got ${describeType(rawEntries)}`, { field: 'entries' });
  }
  return { timezone, rawEntries };
}

/**
 * Combines per-file results, checking that each name is defined once: a file defining a name that
 * an earlier file already has becomes a failed file, its error naming both places.
 */
export function mergeScheduleFiles(results: ScheduleFileResult[]): LoadedSchedules {
  const firstSeen = new Map<string, string>();
  const files = results.map((result): ScheduleFileResult => {
    if (!result.ok) return result;
    const duplicates = result.entries
      .filter((entry) => firstSeen.has(entry.name))
      .map((entry) => new ScheduleError(`name already defined in ${firstSeen.get(entry.name)}`, { file: result.file, entry: entry.name }));
    if (duplicates.length) return { file: result.file, ok: false, errors: duplicates };
    for (const entry of result.entries) firstSeen.set(entry.name, result.file);
    return result;
  });
  return {
    files,
    entries: files.flatMap((result) => (result.ok ? result.entries : [])),
    errors: files.flatMap((result) => (result.ok ? [] : result.errors)),
  };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
