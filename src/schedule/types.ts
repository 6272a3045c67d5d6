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

/** Compiled cron fields; produced and read only by the cron engine (cron.ts). */
export interface CronFields {
  /** Bit s set when second s matches (0-59). */
  seconds: bigint;
  /** Bit m set when minute m matches (0-59). */
  minutes: bigint;
  /** Bit h set when hour h matches (0-23). */
  hours: number;
  /** Bit d set when day of month d matches (1-31). */
  daysOfMonth: number;
  /** Bit m set when month m matches (1-12). */
  months: number;
  /** Bit d set when weekday d matches (0 = Sunday ... 6). */
  daysOfWeek: number;
  /** `L` in day of month: the last day; `L-n` offsets are in lastDayOffsets. */
  lastDayOfMonth: boolean;
  lastDayOffsets: number[];
  /** `nW`: the weekday nearest day n. */
  nearestWeekdays: number[];
  /** `5L`: the last Friday of the month, as weekday numbers. */
  lastWeekdays: number[];
  /** `5#2`: the second Friday, as [weekday, n] pairs. */
  nthWeekdays: Array<[number, number]>;
  /** Whether day of month / day of week are restricted (do not start with `*`). */
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
