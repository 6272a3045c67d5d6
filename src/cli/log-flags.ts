import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { Logger, parseLogLevel } from '../util/log.js';

export interface LogFlags {
  loglevel: string;
  logfile?: string;
}

/** -l/--loglevel and -f/--logfile, as Celery spells them, for long-running commands. */
export function addLogOptions(command: Command): Command {
  return command
    .addOption(new Option('-l, --loglevel <level>', 'debug, info, warning, error or critical').default('info').env('CELERIAC_LOGLEVEL'))
    .addOption(new Option('-f, --logfile <file>', 'append the log to this file instead of stderr').env('CELERIAC_LOGFILE'));
}

export function loggerFromFlags(flags: LogFlags): Logger {
  try {
    return new Logger({ level: parseLogLevel(flags.loglevel), ...(flags.logfile ? { file: flags.logfile } : {}) });
  } catch (error) {
    throw new UsageError(`--loglevel: ${(error as Error).message}`);
  }
}
