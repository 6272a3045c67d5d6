/** Bad input from a user (flag, file, schedule, unknown entry): the CLI exits with status 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A schedule or entry that cannot be used. The message names where the problem is:
 * `schedules/jobs.yaml: entry "backup": field "schedule": minute 61 is out of range 0-59`.
 */
export class ScheduleError extends UsageError {
  constructor(
    readonly detail: string,
    readonly where: { file?: string; entry?: string; field?: string } = {},
  ) {
    super(formatLocation(where) + detail);
    this.name = 'ScheduleError';
  }

  /** The same error, placed in a file and/or entry (keeps the innermost field). */
  at(where: { file?: string; entry?: string; field?: string }): ScheduleError {
    return new ScheduleError(this.detail, { ...where, ...definedOnly(this.where) });
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function formatLocation(where: { file?: string; entry?: string; field?: string }): string {
  const parts: string[] = [];
  if (where.file) parts.push(where.file);
  if (where.entry) parts.push(`entry "${where.entry}"`);
  if (where.field) parts.push(`field "${where.field}"`);
  return parts.length ? parts.join(': ') + ': ' : '';
}
