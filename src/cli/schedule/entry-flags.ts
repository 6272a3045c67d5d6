/** The entry fields `add` and `edit` take as flags (cli.md "Store commands"), turned into a file-form entry. */
import type { Command } from 'commander';
import YAML from 'yaml';
import { UsageError } from '../../errors.js';
import { readScheduleFlag } from './next.js';

export interface EntryFlags {
  entry?: string;
  task?: string;
  schedule?: string;
  args?: string;
  kwargs?: string;
  queue?: string;
  priority?: string;
  timezone?: string;
  expires?: string;
  missed?: string;
  grace?: string;
  description?: string;
  disabled?: boolean;
}

type Raw = Record<string, unknown>;

/** Flags that set a field of the entry's `options`. */
const OPTION_FLAGS = ['queue', 'priority', 'expires'] as const;

export function addEntryOptions(command: Command): Command {
  return command
    .option('--task <name>', 'the task to send, e.g. tasks.add')
    .option('--schedule <value>', "a schedule value: a cron string, a duration, seconds, or JSON/YAML such as '{crontab: {hour: 7}}'")
    .option('--args <json>', 'positional arguments: a JSON (or YAML) list')
    .option('--kwargs <json>', 'keyword arguments: a JSON (or YAML) mapping')
    .option('--queue <name>', 'the queue to send to (options.queue)')
    .option('--priority <n>', 'message priority 0-9 (options.priority)')
    .option('--timezone <zone>', "the entry's time zone (cron schedules run in it)")
    .option('--expires <when>', 'seconds after sending, or an ISO-8601 instant (options.expires)')
    .option('--missed <policy>', 'what to do with missed runs: once, skip or all')
    .option('--grace <duration>', 'drop missed runs older than this, e.g. 1h')
    .option('--description <text>', 'what the entry is for')
    .option('--disabled', 'keep the entry but do not run it')
    .option('--entry <json|yaml>', 'any fields of a file entry as JSON or YAML; the flags above win over it');
}

/**
 * `base` with the flags applied: `--entry` replaces the fields it names, then each flag sets its
 * one field (option flags one key of `options`). Values are checked by parseEntry afterwards.
 */
export function applyEntryFlags(base: Raw, flags: EntryFlags): Raw {
  const raw: Raw = { ...base, ...(flags.entry === undefined ? {} : entryFlag(flags.entry)) };
  const fields: Raw = {
    task: flags.task,
    schedule: flags.schedule === undefined ? undefined : readScheduleFlag(flags.schedule),
    args: flags.args === undefined ? undefined : structuredFlag('--args', flags.args),
    kwargs: flags.kwargs === undefined ? undefined : structuredFlag('--kwargs', flags.kwargs),
    timezone: flags.timezone,
    missed: flags.missed,
    grace: flags.grace === undefined ? undefined : scalarFlag(flags.grace),
    description: flags.description,
    enabled: flags.disabled ? false : undefined,
  };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) raw[key] = value;

  const options = Object.entries({
    queue: flags.queue,
    priority: flags.priority === undefined ? undefined : scalarFlag(flags.priority),
    expires: flags.expires === undefined ? undefined : scalarFlag(flags.expires),
  }).filter(([, value]) => value !== undefined);
  if (options.length > 0) raw.options = { ...(isMapping(raw.options) ? raw.options : {}), ...Object.fromEntries(options) };
  return raw;
}

/**
 * `base` without the named fields (`--unset`): a field of the file form (`description`,
 * `options.queue`), or an option flag's name (`queue`). Unsetting a field the entry does not have
 * is an error, so a typo never passes for a change.
 */
export function unsetFields(name: string, base: Raw, fields: string[]): Raw {
  const raw: Raw = { ...base, ...(isMapping(base.options) ? { options: { ...base.options } } : {}) };
  for (const field of fields) {
    const path = (OPTION_FLAGS as readonly string[]).includes(field) ? `options.${field}` : field;
    const [holder, key] = path.startsWith('options.') ? [raw.options, path.slice('options.'.length)] : [raw, path];
    if (!isMapping(holder) || !(key in holder)) throw new UsageError(`--unset ${field}: entry "${name}" has no field "${path}"`);
    delete holder[key];
  }
  if (isMapping(raw.options) && Object.keys(raw.options).length === 0) delete raw.options;
  return raw;
}

function entryFlag(text: string): Raw {
  const value = structuredFlag('--entry', text);
  if (!isMapping(value)) throw new UsageError('--entry: must be a mapping of entry fields, such as \'{"task": "tasks.add", "schedule": "30s"}\'');
  return value;
}

/** A JSON or YAML value (JSON is YAML). */
function structuredFlag(flag: string, text: string): unknown {
  try {
    return YAML.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: not valid JSON or YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** A number when the text is one (`5`, `300`), else the text itself (`1h`, an ISO instant). */
function scalarFlag(text: string): unknown {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : text;
}

function isMapping(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
