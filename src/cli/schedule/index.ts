import type { Command } from 'commander';
import { registerAddCommand } from './add.js';
import { registerCheckCommand } from './check.js';
import { registerEditCommand } from './edit.js';
import { registerEnableCommands } from './enable.js';
import { registerExportCommand } from './export.js';
import { registerImportCommand } from './import.js';
import { registerListCommand } from './list.js';
import { registerNextCommand } from './next.js';
import { registerRemoveCommand } from './remove.js';
import { registerRunNowCommand } from './run-now.js';
import { registerShowCommand } from './show.js';

/** `celeriac schedule ...`: one file per subcommand, registered here. */
export function registerScheduleCommands(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('Inspect schedules and edit the schedule store');
  registerNextCommand(schedule);
  registerCheckCommand(schedule);
  // The store commands.
  registerAddCommand(schedule);
  registerEditCommand(schedule);
  registerRemoveCommand(schedule);
  registerEnableCommands(schedule);
  registerRunNowCommand(schedule);
  registerListCommand(schedule);
  registerShowCommand(schedule);
  registerImportCommand(schedule);
  registerExportCommand(schedule);
}
