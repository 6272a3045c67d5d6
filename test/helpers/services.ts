/**
 * Tests that need a real service (Redis, RabbitMQ, Python Celery) call these. Locally a missing
 * service skips the test loudly, saying what to install; under CI=true it fails the test.
 */
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';

export const inCI = process.env.CI === 'true' || process.env.CI === '1';
export const PYTHON = process.env.CELERIAC_PYTHON ?? '/usr/bin/python3';
export const REDIS_HOST = process.env.CELERIAC_TEST_REDIS_HOST ?? '127.0.0.1';
export const REDIS_PORT = Number(process.env.CELERIAC_TEST_REDIS_PORT ?? 6379);
export const AMQP_URL = process.env.CELERIAC_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}

export interface Requirement {
  available: boolean;
  /** What to install or start, printed when skipping. */
  hint: string;
}

export async function redisRequirement(): Promise<Requirement> {
  return {
    available: await portOpen(REDIS_HOST, REDIS_PORT),
    hint: `Redis on ${REDIS_HOST}:${REDIS_PORT} (apt-get install redis-server, or set CELERIAC_TEST_REDIS_HOST/PORT)`,
  };
}

export async function amqpRequirement(): Promise<Requirement> {
  const url = new URL(AMQP_URL);
  return {
    available: await portOpen(url.hostname, Number(url.port || 5672)),
    hint: `RabbitMQ at ${AMQP_URL} (apt-get install rabbitmq-server, or set CELERIAC_TEST_AMQP_URL)`,
  };
}

export function pythonCeleryRequirement(): Requirement {
  let available = false;
  try {
    execFileSync(PYTHON, ['-c', 'import celery, redis'], { stdio: 'ignore' });
    available = true;
  } catch {
    available = false;
  }
  return { available, hint: `Python Celery for ${PYTHON} (apt-get install -y python3-celery python3-redis, or run scripts/install-test-deps.sh)` };
}

export function redisServerBinaryRequirement(): Requirement {
  let available = false;
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    available = true;
  } catch {
    available = false;
  }
  return { available, hint: 'redis-server on PATH (apt-get install redis-server)' };
}

/**
 * Decides whether a suite runs: returns true when every requirement is met. Otherwise, under CI it
 * throws (the suite fails), and locally it warns on stderr and returns false so the caller skips.
 */
export function requireServices(suite: string, requirements: Requirement[]): boolean {
  const missing = requirements.filter((r) => !r.available);
  if (missing.length === 0) return true;
  const message = `${suite}: needs ${missing.map((r) => r.hint).join('; ')}`;
  if (inCI) throw new Error(`${message} (CI=true: not skipping)`);
  process.stderr.write(`\n*** SKIPPING ${message}\n\n`);
  return false;
}
