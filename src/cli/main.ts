import { Command, CommanderError } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { registerBeatCommand } from './beat.js';
import { registerScheduleCommands } from './schedule/index.js';
import { registerWorkerCommand } from './worker.js';
import { packageVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command('celeriac')
    .description('Periodic task scheduler (beat) and worker that speaks Celery\'s protocol')
    .version(packageVersion(), '-V, --version')
    .exitOverride();
  registerBeatCommand(program);
  registerScheduleCommands(program);
  registerWorkerCommand(program);
  return program;
}

/** Runs the CLI; returns the exit status (0 ok, 2 bad input, 1 anything else). */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return exitStatusFor(error);
  }
}

function exitStatusFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message; help and version are successes.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return 2;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`celeriac: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(`celeriac: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.CELERIAC_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
      || realpathSync(entry).endsWith('/bin/celeriac.js');
  } catch {
    return false;
  }
}

if (isMainModule()) {
  const status = await runCli(process.argv.slice(2));
  // Long-running commands (beat, worker) keep the process alive themselves and never get here early.
  process.exitCode = status;
}
