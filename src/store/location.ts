import { resolve } from 'node:path';
import { parseBrokerUrl, type BrokerUrl } from '../broker/create.js';
import { UsageError } from '../errors.js';
import { maskUrl } from '../util/url.js';

/**
 * The file of a `--store` value: a path (relative to `cwd`) or a `sqlite:///relative.db` /
 * `sqlite:////absolute.db` URL, by the same rule as the broker's (cli.md "URLs").
 */
export function storePath(value: string, cwd: string = process.cwd()): string {
  if (!/^[a-z][a-z0-9+.-]+:/i.test(value)) return resolve(cwd, value);
  let parsed: BrokerUrl;
  try {
    parsed = parseBrokerUrl(value, cwd);
  } catch (error) {
    throw new UsageError(`--store ${maskUrl(value)}: ${(error as Error).message.replace(/^broker URL \S+: /, '')}`);
  }
  if (parsed.kind !== 'sqlite') throw new UsageError(`--store ${parsed.displayUrl}: the schedule store is a SQLite file: give a path or sqlite:///path.db`);
  return parsed.path;
}
