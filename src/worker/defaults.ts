/** Worker and app defaults, in a module of their own so the CLI can show them without loading drivers. */

/** The embedded default (cli.md): one SQLite file in the working directory. */
export const DEFAULT_BROKER_URL = 'sqlite:///celeriac.db';

/** The async pool runs I/O-bound tasks on one event loop, so it can take many at once. */
export const DEFAULT_ASYNC_CONCURRENCY = 100;

/** Messages reserved per concurrency slot (Celery's worker_prefetch_multiplier). */
export const DEFAULT_PREFETCH_MULTIPLIER = 4;
