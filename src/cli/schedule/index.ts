import type { Command } from 'commander';

/** `celeriac schedule ...`: one file per subcommand, registered here. */
export function registerScheduleCommands(program: Command): void {
  program
    .command('schedule')
    .description('Inspect schedules and edit the schedule store');
}
