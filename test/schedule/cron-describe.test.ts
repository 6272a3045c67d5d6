import { describe, expect, it } from 'vitest';
import { compileCron, describeCron } from '../../src/schedule/cron.js';
import { compileCrontab } from '../../src/schedule/crontab.js';

describe('describeCron', () => {
  it.each([
    ['30 7 * * 1', 'at 07:30 on Monday'],
    ['0,30 2 * * *', 'at 02:00 and 02:30'],
    ['30 15 10 * * *', 'at 10:15:30'],
    ['* * * * *', 'every minute'],
    ['*/15 9-17 * * mon-fri', 'every 15 minutes from 09:00 to 17:59 on Monday to Friday'],
    ['10-50/5 * * * *', 'every 5 minutes from minute 10 to 50'],
    ['0-5,30 * * * *', 'at minutes 0-5 and 30'],
    ['@hourly', 'at minute 0 of every hour'],
    ['0 */2 * * *', 'at minute 0 every 2 hours'],
    ['5 1,3,5,9,11,13,20 * * *', 'at minute 5 during hours 01, 03, 05, 09, 11, 13 and 20'],
    ['*/10 * * * * *', 'every 10 seconds'],
    ['*/10 30 2 * * *', 'every 10 seconds during 02:30'],
    ['0 0 1 * 1', 'at 00:00 on day 1 of the month or on Monday'],
    ['0 0 */2 * mon', 'at 00:00 on every 2nd day of the month if it is a Monday'],
    ['0 12 1,15 * *', 'at 12:00 on days 1 and 15 of the month'],
    ['0 0 L * *', 'at 00:00 on the last day of the month'],
    ['0 0 L-2 * *', 'at 00:00 on the 3rd-last day of the month'],
    ['0 9 15W * *', 'at 09:00 on the weekday nearest day 15 of the month'],
    ['0 0 LW * *', 'at 00:00 on the last weekday of the month'],
    ['0 0 * * 1#1,5#3', 'at 00:00 on the first Monday and the third Friday of the month'],
    ['0 0 * * 5L', 'at 00:00 on the last Friday of the month'],
    ['0 12 * jan-mar *', 'at 12:00 in January to March'],
    ['@yearly', 'at 00:00 on day 1 of the month in January'],
  ])('%s: %s', (expression, text) => {
    expect(describeCron(compileCron(expression, 'UTC'))).toBe(text);
  });

  it('says a Celery crontab needs both day fields', () => {
    expect(describeCron(compileCrontab({ minute: 0, hour: 0, day_of_month: 13, day_of_week: 'fri' }, 'UTC'))).toBe(
      'at 00:00 on day 13 of the month if it is a Friday',
    );
    expect(describeCron(compileCrontab({ minute: 3 }, 'UTC'))).toBe('at minute 3 of every hour');
  });
});
