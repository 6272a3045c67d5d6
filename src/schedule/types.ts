/**
 * The typed schedule every other part of celeriac works with. One parser (parse.ts) turns a value
 * from a file, the CLI or the store into one of these; one engine (next.ts) computes its runs.
 */
export type Schedule = IntervalSchedule | CronSchedule | SolarSchedule | ClockedSchedule;

/** Every `everyMs` milliseconds on a grid: anchor + k × everyMs (the anchor is beat state). */
export interface IntervalSchedule {
  kind: 'interval';
  everyMs: number;
}

/**
 * Compiled cron fields; produced by the cron engine (cron-parse.ts, crontab.ts) and read only by it.
 * Plain sorted arrays, so a schedule is JSON-safe and equal fields compare (and fingerprint) equal.
 * Frozen: schedules with the same expression share them.
 */
export interface CronFields {
  /** Matching seconds (0-59), ascending; `[0]` for five-field expressions. */
  seconds: readonly number[];
  /** Matching minutes (0-59), ascending. */
  minutes: readonly number[];
  /** Matching hours (0-23), ascending. */
  hours: readonly number[];
  /** Plain matching days of the month (1-31), ascending. */
  daysOfMonth: readonly number[];
  /** Matching months (1-12), ascending. */
  months: readonly number[];
  /** Plain matching weekdays (0 = Sunday ... 6; 7 is folded into 0), ascending. */
  daysOfWeek: readonly number[];
  /** Day of month counted back from the month's last day: `L` is 0, `L-2` is 2. */
  lastDayOffsets: readonly number[];
  /** `15W`: the weekday (Mon-Fri) nearest day 15, within the month. */
  nearestWeekdays: readonly number[];
  /** `LW`: the last weekday (Mon-Fri) of the month. */
  lastWeekdayOfMonth: boolean;
  /** `5L`: the last Friday of the month, as weekday numbers. */
  lastWeekdays: readonly number[];
  /** `5#2`: the second Friday, as [weekday, n] pairs. */
  nthWeekdays: ReadonlyArray<readonly [weekday: number, n: number]>;
  /** Whether day of month / day of week are restricted (their text does not start with `*` or `?`). */
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
}

export interface CronSchedule {
  kind: 'cron';
  /** `cron` strings use Vixie's day rule (OR); Celery `crontab` objects need both day fields (AND). */
  syntax: 'cron' | 'crontab';
  /** The expression as five or six cron fields, normalised (for display and fingerprints). */
  expression: string;
  /** IANA zone the fields are read in. */
  timezone: string;
  /** Neither minute nor hour starts with `*`: skipped wall times run once after a jump, repeated ones once. */
  fixedTime: boolean;
  fields: CronFields;
}

export const SOLAR_EVENTS = [
  'dawn_astronomical',
  'dawn_nautical',
  'dawn_civil',
  'sunrise',
  'solar_noon',
  'sunset',
  'dusk_civil',
  'dusk_nautical',
  'dusk_astronomical',
] as const;
export type SolarEvent = (typeof SOLAR_EVENTS)[number];

export interface SolarSchedule {
  kind: 'solar';
  event: SolarEvent;
  lat: number;
  lon: number;
}

/** Runs once at an instant, then retires. */
export interface ClockedSchedule {
  kind: 'clocked';
  atMs: number;
}
