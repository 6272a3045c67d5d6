import { UsageError } from '../errors.js';
import type { TaskFunction, TaskOptions } from './task-types.js';

/** A task as the worker runs it: its name, its function and its behaviour. */
export interface TaskDefinition {
  readonly name: string;
  readonly fn: TaskFunction;
  readonly options: TaskOptions;
}

/** The tasks an app knows, by name. */
export class TaskRegistry {
  private readonly tasks = new Map<string, TaskDefinition>();

  register(definition: TaskDefinition): void {
    if (!definition.name) throw new UsageError('a task needs a name');
    if (this.tasks.has(definition.name)) throw new UsageError(`task "${definition.name}" is registered twice`);
    this.tasks.set(definition.name, definition);
  }

  get(name: string): TaskDefinition | undefined {
    return this.tasks.get(name);
  }

  /** Task names, sorted, as the worker banner lists them. */
  names(): string[] {
    return [...this.tasks.keys()].sort();
  }
}
