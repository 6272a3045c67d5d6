import { describe, expect, expectTypeOf, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { Celeriac } from '../../src/worker/app.js';
import type { AsyncResult } from '../../src/worker/result.js';
import type { TaskContext } from '../../src/worker/task-types.js';
import { MemoryBroker } from './support/memory-broker.js';

describe('defining tasks', () => {
  it('keeps the argument and result types of the function for delay and applyAsync', () => {
    const app = new Celeriac({ broker: new MemoryBroker() });
    const add = app.task('tasks.add', (x: number, y: number) => x + y);
    expectTypeOf(add.delay).parameters.toEqualTypeOf<[x: number, y: number]>();
    expectTypeOf(add.delay).returns.toEqualTypeOf<AsyncResult<number>>();
    const bound = app.task('tasks.bound', { bind: true }, async (context: TaskContext, name: string) => `${context.id}:${name}`);
    expectTypeOf(bound.delay).parameters.toEqualTypeOf<[name: string]>();
    expectTypeOf(bound.delay).returns.toEqualTypeOf<AsyncResult<string>>();
  });

  it('applies the app task defaults under each task’s own options', () => {
    const app = new Celeriac({ broker: new MemoryBroker(), taskDefaults: { acksLate: true, maxRetries: 5 } });
    const task = app.task('tasks.own', { maxRetries: 1 }, () => null);
    expect(task.definition.options).toEqual({ acksLate: true, maxRetries: 1 });
    expect(app.registry.get('tasks.own')).toBe(task.definition);
  });

  it('refuses a name registered twice, and a task without a function', () => {
    const app = new Celeriac({ broker: new MemoryBroker() });
    app.task('tasks.once', () => null);
    expect(() => app.task('tasks.once', () => null)).toThrow(new UsageError('task "tasks.once" is registered twice'));
    expect(() => app.task('tasks.none', {} as never)).toThrow(/task "tasks.none": expected a function/);
  });

  it('lists task names sorted, as the worker banner shows them', () => {
    const app = new Celeriac({ broker: new MemoryBroker() });
    for (const name of ['b.two', 'a.one', 'c.three']) app.task(name, () => null);
    expect(app.registry.names()).toEqual(['a.one', 'b.two', 'c.three']);
  });

  it('makes Celery signatures: s() takes the parent result first, si() ignores it', () => {
    const app = new Celeriac({ broker: new MemoryBroker() });
    const add = app.task('tasks.add', (x: number, y: number) => x + y);
    expect(add.s(10)).toEqual({ task: 'tasks.add', args: [10], kwargs: {}, options: {}, subtask_type: null, immutable: false, chord_size: null });
    expect(add.si(1, 2).immutable).toBe(true);
  });
});
