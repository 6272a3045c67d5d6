import { CliProcess } from '../../helpers/cli-process.js';

/** A `celeriac worker` child process in its own process group, with its output collected. */
export class CliWorker extends CliProcess {
  constructor(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    super(['worker', ...args], options);
  }
}
