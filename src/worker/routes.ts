/** Where a task's messages go unless the caller says otherwise (Celery's task_routes). */
export interface RouteOptions {
  queue?: string;
  routingKey?: string;
  exchange?: string;
  priority?: number;
}

/**
 * Task name or glob (`*` any run of characters, `?` one character, as Celery's fnmatch routes) to a
 * queue name or route options. Exact names win over globs; globs are tried in the order written.
 */
export type TaskRoutes = Record<string, string | RouteOptions>;

export class TaskRouter {
  private readonly exact = new Map<string, RouteOptions>();
  private readonly globs: Array<{ pattern: RegExp; route: RouteOptions }> = [];

  constructor(routes: TaskRoutes = {}) {
    for (const [key, value] of Object.entries(routes)) {
      const route = typeof value === 'string' ? { queue: value } : value;
      if (/[*?]/.test(key)) this.globs.push({ pattern: globToRegExp(key), route });
      else this.exact.set(key, route);
    }
  }

  /** The route for a task name; empty when nothing matches. */
  route(taskName: string): RouteOptions {
    return this.exact.get(taskName) ?? this.globs.find((glob) => glob.pattern.test(taskName))?.route ?? {};
  }
}

function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`);
}
