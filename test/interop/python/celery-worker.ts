import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PYTHON } from '../../helpers/services.js';

export const PYTHON_APP_DIR = fileURLToPath(new URL('.', import.meta.url));

export interface CeleryWorker {
  /** Everything the worker printed so far (Celery logs to stderr). */
  log(): string;
  /** Resolves when the log matches, or rejects with the log after timeoutMs. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Kills the worker's whole process group and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts a real Python Celery worker (`python -m celery -A <module> worker`) on the given queues,
 * solo pool so tasks run one at a time in arrival order, and waits until it reports ready.
 */
export async function startCeleryWorker(options: { module: string; queues: string[]; env: Record<string, string>; name: string }): Promise<CeleryWorker> {
  const child = spawn(PYTHON, [
    '-m', 'celery', '-A', options.module, 'worker', '-Q', options.queues.join(','), '--pool', 'solo', '-c', '1',
    '-l', 'INFO', '-n', `${options.name}@%h`, '--without-gossip', '--without-mingle', '--without-heartbeat',
  ], {
    cwd: PYTHON_APP_DIR,
    env: { ...process.env, ...options.env, PYTHONPATH: PYTHON_APP_DIR, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() reaches any child it forks
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const worker: CeleryWorker = {
    log: () => output,
    async waitForLog(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null) throw new Error(`celery worker exited (${child.exitCode}) before ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`celery worker did not log ${pattern} within ${timeoutMs} ms:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      }
    },
  };
  try {
    await worker.waitForLog(/ready\./);
  } catch (error) {
    await worker.stop();
    throw error;
  }
  return worker;
}
