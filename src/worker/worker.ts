import { hostname as osHostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Delivery } from '../broker/interfaces.js';
import { DEFAULT_QUEUE } from '../protocol/build.js';
import { decodeTaskMessage } from '../protocol/decode.js';
import { saferepr } from '../protocol/saferepr.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/log.js';
import type { Celeriac } from './app.js';
import { DEFAULT_ASYNC_CONCURRENCY, DEFAULT_PREFETCH_MULTIPLIER } from './defaults.js';
import { buildMeta, serializeError, tracebackOf, type ExceptionInfo, type ResultTuple } from './backends/meta.js';
import { TaskRevokedError, errorText } from './errors.js';
import { sendCallbacks, sendErrbacks, sendRetry } from './follow-ups.js';
import type { Outcome, RetryPlan } from './invoke.js';
import { ConsumerSlot } from './consumer-slot.js';
import { AsyncPool } from './pools/async-pool.js';
import type { Pool } from './pools/types.js';
import { createTaskRequest, type TaskRequest } from './request.js';
import type { TaskState } from './states.js';

export interface WorkerOptions {
  app: Celeriac;
  /** Queues to consume, earlier ones first; default `celery`. */
  queues?: string[];
  /** Where tasks run; an AsyncPool of DEFAULT_ASYNC_CONCURRENCY by default. */
  pool?: Pool;
  /** The node name (`-n`): `celeriac@<host>` by default. */
  hostname?: string;
  prefetchMultiplier?: number;
  /** Seconds an unacknowledged message stays reserved (kombu: 3600); the app's setting otherwise. */
  visibilityTimeout?: number;
  /**
   * Broker consumers sharing the prefetch (default 1). One is enough: every broker fetches many
   * messages per round trip (scripts/bench/worker.ts shows no gain from more).
   */
  consumers?: number;
  logger?: Logger;
}

/**
 * Consumes task messages and runs them: holds eta messages until due, revokes expired ones, runs
 * the rest in the pool within their time limits, stores results, sends callbacks, errbacks, the next
 * step of a chain and retries, and acknowledges each message before the run (or after, acks_late).
 */
export class Worker {
  readonly hostname: string;
  readonly queues: string[];
  readonly pool: Pool;
  private readonly app: Celeriac;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly prefetch: number;
  private readonly visibilityTimeout: number | undefined;
  private readonly consumerCount: number;
  private readonly consumers: ConsumerSlot[] = [];
  /** eta messages waiting for their time, and the consumer that delivered each. */
  private readonly held = new Map<TaskRequest, { timer: TimerHandle; slot: ConsumerSlot }>();
  /** Due messages waiting for a free slot in the pool. */
  private readonly waiting: TaskRequest[] = [];
  /** Runs in progress, settled when their results are stored and their messages acknowledged. */
  private readonly running = new Set<Promise<void>>();
  /** Expired messages being recorded as REVOKED and acknowledged. */
  private readonly revoking = new Set<Promise<void>>();
  private stopping = false;

  constructor(options: WorkerOptions) {
    this.app = options.app;
    this.clock = options.app.clock;
    this.logger = options.logger ?? silentLogger;
    this.queues = options.queues?.length ? options.queues : [DEFAULT_QUEUE];
    this.pool = options.pool ?? new AsyncPool(options.app.registry, DEFAULT_ASYNC_CONCURRENCY);
    this.hostname = options.hostname ?? `celeriac@${osHostname()}`;
    this.prefetch = this.pool.concurrency * (options.prefetchMultiplier ?? DEFAULT_PREFETCH_MULTIPLIER);
    this.visibilityTimeout = options.visibilityTimeout ?? options.app.visibilityTimeout;
    this.consumerCount = options.consumers ?? 1;
  }

  /** Connects, starts the pool and begins consuming. */
  async start(): Promise<void> {
    const broker = await this.app.broker();
    this.logger.info(`Connected to ${broker.displayUrl}`);
    await this.pool.start();
    const prefetch = Math.ceil(this.prefetch / this.consumerCount);
    const options = { prefetch, ...(this.visibilityTimeout === undefined ? {} : { visibilityTimeout: this.visibilityTimeout }) };
    for (let i = 0; i < this.consumerCount; i++) {
      const slot = new ConsumerSlot(prefetch);
      slot.consumer = await broker.consume(this.queues, options, (delivery) => this.receive(delivery, slot));
      this.consumers.push(slot);
    }
    this.logger.info(`${this.hostname} ready.`);
  }

  /**
   * Warm shutdown: stop consuming, give held and waiting messages back to their queues, let running
   * tasks finish and settle. Cold shutdown: stop at once; unacknowledged messages come back after
   * the visibility timeout.
   */
  async stop(mode: 'warm' | 'cold' = 'warm'): Promise<void> {
    this.logger.warning(`worker: ${mode === 'warm' ? 'Warm' : 'Cold'} shutdown (MainProcess)`);
    this.stopping = true;
    if (mode === 'warm') {
      await Promise.all(this.consumers.map((slot) => slot.consumer?.cancel()));
      const unstarted = [...this.held.keys(), ...this.waiting.splice(0)];
      for (const { timer } of this.held.values()) timer.cancel();
      this.held.clear();
      await Promise.all(unstarted.map((request) => this.settle(request.delivery.requeue(), request, 'requeue')));
      await Promise.all([...this.running, ...this.revoking]);
    } else {
      for (const { timer } of this.held.values()) timer.cancel();
    }
    await this.pool.close();
    await this.app.close();
  }

  /** How many messages the worker holds: eta-held, waiting for a slot, and running. */
  get load(): { held: number; waiting: number; running: number } {
    return { held: this.held.size, waiting: this.waiting.length, running: this.running.size };
  }

  private receive(delivery: Delivery, slot: ConsumerSlot): void {
    if (this.stopping) {
      void this.settle(delivery.requeue(), undefined, 'requeue');
      return;
    }
    const request = this.accept(delivery);
    if (!request) return;
    this.logger.info(`Task ${request.info.name}[${request.info.id}] received`);
    if (request.decoded.embed.chord) {
      this.logger.warning(`Task ${request.info.name}[${request.info.id}] is part of a chord: celeriac workers run the task but not the chord's callback`);
    }
    if (this.hasExpired(request)) {
      const revoking = this.revoke(request).finally(() => this.revoking.delete(revoking));
      this.revoking.add(revoking);
      return;
    }
    const delayMs = request.etaMs === undefined ? 0 : request.etaMs - this.clock.now();
    if (delayMs > 0) this.hold(request, delayMs, slot);
    else this.enqueue(request);
  }

  /** Decodes a delivery into a request, or rejects it (dead letter) with one log line. */
  private accept(delivery: Delivery): TaskRequest | undefined {
    const { headers, properties } = delivery.message;
    const id = String(headers.id ?? properties.correlation_id ?? 'unknown id');
    let decoded;
    try {
      decoded = decodeTaskMessage(delivery.message);
    } catch (error) {
      return this.reject(delivery, `Received invalid task message [${id}]: ${errorText(error)}`);
    }
    const definition = this.app.registry.get(decoded.headers.task);
    if (!definition) return this.reject(delivery, `Received unregistered task of type '${decoded.headers.task}' [${id}]`);
    try {
      return createTaskRequest(delivery, decoded, definition, this.hostname);
    } catch (error) {
      return this.reject(delivery, `Received invalid task message ${decoded.headers.task}[${id}]: ${errorText(error)}`);
    }
  }

  private reject(delivery: Delivery, reason: string): undefined {
    this.logger.error(`${reason}. The message has been rejected to the dead letters.`);
    void this.settle(delivery.reject(reason), undefined, 'reject');
    return undefined;
  }

  private hold(request: TaskRequest, delayMs: number, slot: ConsumerSlot): void {
    const timer = this.clock.setTimer(() => {
      this.held.delete(request);
      slot.releaseOne();
      this.enqueue(request);
    }, delayMs);
    this.held.set(request, { timer, slot });
    // Held messages stay unacknowledged; raise the limit so they never starve the queue.
    slot.holdOne();
  }

  private enqueue(request: TaskRequest): void {
    this.waiting.push(request);
    this.pump();
  }

  private pump(): void {
    while (this.running.size < this.pool.concurrency && this.waiting.length > 0 && !this.stopping) {
      const request = this.waiting.shift()!;
      const run = this.execute(request).catch((error: unknown) => {
        this.logger.critical(`Task ${request.info.name}[${request.info.id}]: the worker failed handling it: ${errorText(error)}`);
      }).finally(() => {
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  /** Checked on receipt and again before the run, as Celery does. */
  private hasExpired(request: TaskRequest): boolean {
    return request.expiresMs !== undefined && this.clock.now() >= request.expiresMs;
  }

  /** An expired message is not run: REVOKED is stored and the message acknowledged. */
  private async revoke(request: TaskRequest): Promise<void> {
    const { name, id } = request.info;
    this.logger.info(`Discarding revoked task: ${name}[${id}] (expired)`);
    await this.storeState(request, 'REVOKED', serializeError(new TaskRevokedError('expired')), null, []);
    await this.settle(request.delivery.ack(), request, 'ack');
  }

  private async execute(request: TaskRequest): Promise<void> {
    if (this.hasExpired(request)) return this.revoke(request);
    const { name, id } = request.info;
    if (!request.acksLate) await this.settle(request.delivery.ack(), request, 'ack');
    if (request.trackStarted) await this.storeState(request, 'STARTED', { pid: process.pid, hostname: this.hostname }, null, []);
    const startedAt = performance.now();
    const run = this.pool.run(request.info);
    const timers: TimerHandle[] = [];
    if (request.softLimit) {
      const seconds = request.softLimit;
      timers.push(this.clock.setTimer(() => {
        this.logger.warning(`Soft time limit (${seconds}s) exceeded for ${name}[${id}]`);
        run.softLimit(seconds);
      }, seconds * 1000));
    }
    if (request.hardLimit) {
      const seconds = request.hardLimit;
      timers.push(this.clock.setTimer(() => {
        this.logger.error(`Hard time limit (${seconds}s) exceeded for ${name}[${id}]`);
        run.hardLimit(seconds);
      }, seconds * 1000));
    }
    const outcome = await run.outcome;
    for (const timer of timers) timer.cancel();
    await this.conclude(request, outcome, (performance.now() - startedAt) / 1000);
    if (request.acksLate) await this.settle(request.delivery.ack(), request, 'ack');
  }

  private async conclude(request: TaskRequest, outcome: Outcome, seconds: number): Promise<void> {
    const { name, id } = request.info;
    const runtime = `${Number(seconds.toFixed(6))}s`;
    if (outcome.state === 'SUCCESS') {
      const children = await sendCallbacks(this.app, request, outcome.result, this.logger);
      await this.storeState(request, 'SUCCESS', outcome.result, null, children, seconds);
      // Formatting the result costs more than a no-op task: only when the line is written.
      if (this.logger.isEnabled('INFO')) this.logger.info(`Task ${name}[${id}] succeeded in ${runtime}: ${saferepr(outcome.result)}`);
    } else if (outcome.state === 'RETRY') {
      const unsent = await sendRetry(this.app, request, outcome.retry);
      if (unsent) {
        // Without its retry message the task would stay in RETRY forever: it failed.
        await this.storeState(request, 'FAILURE', serializeError(unsent), tracebackOf(unsent), [], seconds);
        this.logger.error(`Task ${name}[${id}] could not be retried: ${unsent.message}`);
        return;
      }
      await this.storeState(request, 'RETRY', outcome.exception, outcome.traceback, [], seconds);
      this.logger.info(`Task ${name}[${id}] retry: Retry ${retryWhen(outcome.retry)}: ${describeException(outcome.exception)}`);
    } else {
      await this.storeState(request, 'FAILURE', outcome.exception, outcome.traceback, [], seconds);
      sendErrbacks(this.app, request, this.logger);
      const trace = outcome.traceback ? `\n${outcome.traceback}` : '';
      this.logger.error(`Task ${name}[${id}] raised unexpected: ${describeException(outcome.exception)}${trace}`);
    }
  }

  private async storeState(request: TaskRequest, state: TaskState, result: unknown, traceback: string | null, children: ResultTuple[], seconds?: number): Promise<void> {
    const backend = this.app.optionalResultBackend();
    // Celery stores failures even for ignore_result tasks only when told to; we follow its default.
    if (!backend || request.ignoreResult) return;
    const meta = buildMeta({
      taskId: request.info.id,
      state,
      result,
      traceback,
      children,
      parentId: request.info.parentId,
      groupId: request.info.groupId,
      ...(seconds === undefined ? {} : { durationSeconds: seconds }),
      at: this.clock.now(),
    });
    try {
      await backend.store(meta);
    } catch (error) {
      this.logger.error(`Task ${request.info.name}[${request.info.id}]: could not store its ${state} result: ${errorText(error)}`);
    }
  }

  /** Settles a delivery, logging (not throwing) when the broker refuses. */
  private async settle(settling: Promise<void>, request: TaskRequest | undefined, action: string): Promise<void> {
    try {
      await settling;
    } catch (error) {
      const which = request ? `${request.info.name}[${request.info.id}]` : 'a message';
      this.logger.error(`could not ${action} ${which}: ${errorText(error)}`);
    }
  }
}

/** `ZeroDivisionError('division by zero')`, as Celery logs exceptions. */
function describeException(exception: ExceptionInfo): string {
  return `${exception.exc_type}(${exception.exc_message.map((part) => saferepr(part)).join(', ')})`;
}

function retryWhen(plan: RetryPlan): string {
  return plan.eta ? `at ${plan.eta}` : `in ${plan.countdownSeconds ?? 0}s`;
}
