/**
 * Interval schedules: the object forms `{every, period}` and `{timedelta: {...}}` (a number or a
 * duration string is handled by duration.ts), and the grid arithmetic every interval shares.
 */
import { ScheduleError } from '../errors.js';
import type { IntervalSchedule } from './types.js';
import { checkedPositive, describeType } from './duration.js';

const PERIOD_MS: Record<string, number> = {
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

/** Python's `datetime.timedelta` keyword arguments. */
const TIMEDELTA_MS: Record<string, number> = {
  weeks: 604_800_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1_000,
  milliseconds: 1,
  microseconds: 0.001,
};

export function intervalOf(everyMs: number): IntervalSchedule {
  return { kind: 'interval', everyMs };
}

/** `{every: 5, period: minutes}` (django-celery-beat's IntervalSchedule, with weeks added). */
export function parseEveryPeriod(value: Record<string, unknown>): IntervalSchedule {
  const { every, period } = value;
  if (typeof every !== 'number' || !Number.isFinite(every)) {
    throw new ScheduleError(`"every" must be a number, got ${describeType(every)}`, { field: 'schedule.every' });
  }
  if (period === undefined) {
    throw new ScheduleError(`"period" is required with "every" (${Object.keys(PERIOD_MS).join(', ')})`, {
      field: 'schedule.period',
    });
  }
  const unitMs = typeof period === 'string' ? PERIOD_MS[period] : undefined;
  if (unitMs === undefined) {
    throw new ScheduleError(
      `unknown period ${describeType(period)} (expected ${Object.keys(PERIOD_MS).join(', ')})`,
      { field: 'schedule.period' },
    );
  }
  return intervalOf(checkedPositive(every * unitMs, `${every} ${period}`, 'interval'));
}

/** `{timedelta: {days: 1, hours: 2}}`: the keyword arguments of Python's timedelta, summed. */
export function parseTimedelta(fields: unknown): IntervalSchedule {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new ScheduleError(`"timedelta" must be a mapping of ${Object.keys(TIMEDELTA_MS).join(', ')}`, {
      field: 'schedule.timedelta',
    });
  }
  let total = 0;
  for (const [key, amount] of Object.entries(fields)) {
    const unitMs = TIMEDELTA_MS[key];
    if (unitMs === undefined) {
      throw new ScheduleError(`unknown key "${key}" (expected ${Object.keys(TIMEDELTA_MS).join(', ')})`, {
        field: 'schedule.timedelta',
      });
    }
    if (typeof amount !== 'number' || !Number.isFinite(amount)) {
      throw new ScheduleError(`must be a number, got ${describeType(amount)}`, { field: `schedule.timedelta.${key}` });
    }
    total += amount * unitMs;
  }
  return intervalOf(checkedPositive(total, `timedelta(${formatTimedeltaArgs(fields)})`, 'interval'));
}

function formatTimedeltaArgs(fields: object): string {
  return Object.entries(fields).map(([key, amount]) => `${key}=${String(amount)}`).join(', ');
}

/**
 * The first grid point anchor + k × everyMs (k ≥ 1: as in Celery, the first run is one interval
 * after the anchor) strictly after `afterMs`. Integer arithmetic on the persisted anchor, so every
 * beat computes the same instants and a late run never shifts the grid.
 */
export function nextOnGrid(everyMs: number, anchorMs: number, afterMs: number): number {
  if (afterMs < anchorMs) return anchorMs + everyMs;
  return anchorMs + everyMs * (Math.floor((afterMs - anchorMs) / everyMs) + 1);
}
