/** The store's defaults, in a module of their own so the CLI can show them without loading the store. */

/** Where the store lives unless `--store` / CELERIAC_STORE say otherwise (the embedded broker's file). */
export const DEFAULT_STORE = 'celeriac.db';

/** Runs kept per entry unless configured otherwise: `show` lists 20, the rest is margin for scripts. */
export const DEFAULT_KEEP_RUNS = 100;
