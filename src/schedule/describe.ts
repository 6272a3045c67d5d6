/** What a schedule means, in words, for `schedule next`, `schedule check` and logs. */
import { describeCron } from './cron.js';
import { formatDuration } from './duration.js';
import { formatInstant } from './instant.js';
import type { Schedule } from './types.js';

export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'interval':
      return `every ${formatDuration(schedule.everyMs)}`;
    case 'cron':
      return `${describeCron(schedule)}, ${schedule.timezone}`;
    case 'solar':
      return `${schedule.event} at ${schedule.lat}, ${schedule.lon}`;
    case 'clocked':
      return `once at ${formatInstant(schedule.atMs)}`;
  }
}
