/** The celeriac side of scripts/bench/worker.ts: a no-op task. */
import { Celeriac } from '../../src/index.js';

export const app = new Celeriac();

app.task('bench.noop', () => null);
