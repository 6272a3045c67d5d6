import { formatLogTime } from '../util/log.js';

export interface BeatBannerInfo {
  version: string;
  broker: string;
  schedules: string;
  /** The schedule store's file. */
  store?: string;
  state: string;
  timezone: string;
  logfile: string;
  pidfile?: string;
}

/** The start-up banner, laid out like Celery beat's. */
export function formatBeatBanner(info: BeatBannerInfo, now: Date): string {
  const lines = [
    `celeriac beat v${info.version} is starting.`,
    `LocalTime -> ${formatLogTime(now).slice(0, 19)}`,
    'Configuration ->',
    `    . broker -> ${info.broker}`,
    `    . schedules -> ${info.schedules}`,
    ...(info.store ? [`    . store -> ${info.store}`] : []),
    `    . state -> ${info.state}`,
    `    . timezone -> ${info.timezone}`,
    `    . logfile -> ${info.logfile}`,
  ];
  if (info.pidfile) lines.push(`    . pidfile -> ${info.pidfile}`);
  return `${lines.join('\n')}\n`;
}
