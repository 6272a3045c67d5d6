import type { Command } from 'commander';
import { registerCheckCommand } from './check.js';
import { registerNextCommand } from './next.js';

/** `celeriac schedule ...`: one file per subcommand, registered here. */
export function registerScheduleCommands(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('Inspect schedules and edit the schedule store');
  registerNextCommand(schedule);
  registerCheckCommand(schedule);
}
