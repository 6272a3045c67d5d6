import { createBroker } from '../broker/create.js';
import type { Broker } from '../broker/interfaces.js';
import { UsageError } from '../errors.js';
import { buildTaskMessage } from '../protocol/build.js';
import type { Signature, TaskMessage } from '../protocol/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { Logger } from '../util/log.js';
import { maskUrl } from '../util/url.js';
import { createResultBackend } from './backends/create.js';
import type { ResultBackend } from './backends/types.js';
import { DEFAULT_BROKER_URL } from './defaults.js';
import { withPublishRetry, type RetryPolicy } from './publish-retry.js';
import { TaskRegistry } from './registry.js';
import { AsyncResult } from './result.js';
import { TaskRouter, type TaskRoutes } from './routes.js';
import { makeSignature, taskRequest, type SendOptions } from './send-options.js';
import { Task, type TaskSender } from './task.js';
import type { TaskContext, TaskFunction, TaskOptions } from './task-types.js';
import { errorText } from './errors.js';

export interface CeleriacOptions {
  /** A broker URL (redis://, rediss://, sqlite:///path.db) or a Broker; default sqlite:///celeriac.db. */
  broker?: string | Broker;
  /** A result backend URL (redis://, sqlite:///path.db) or a ResultBackend; none by default. */
  resultBackend?: string | ResultBackend;
  /** Task name or glob → queue or route options (Celery's task_routes). */
  taskRoutes?: TaskRoutes;
  /** Options every task starts from (each task's own options win), e.g. `{ acksLate: true }`. */
  taskDefaults?: TaskOptions;
  /** Seconds results are kept in Redis (Celery's result_expires): 86400 by default. */
  resultExpires?: number;
  /** Seconds an unacknowledged message stays reserved before redelivery (kombu: 3600). */
  visibilityTimeout?: number;
  clock?: Clock;
  /** Where the app reports what it cannot throw (a failed background publish); stderr by default. */
  logger?: Logger;
}

const APP_BRAND = Symbol.for('celeriac.app');

type Tail<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;
type BoundTaskFunction = (context: TaskContext, ...args: any[]) => unknown;

/**
 * A celeriac application: the tasks it defines and how to send them. Workers load it with
 * `celeriac worker -A module`; clients import it to send tasks and read results.
 */
export class Celeriac implements TaskSender {
  readonly [APP_BRAND] = true;
  readonly registry = new TaskRegistry();
  readonly clock: Clock;
  private appLogger: Logger;
  readonly taskDefaults: TaskOptions;
  readonly visibilityTimeout: number | undefined;
  private readonly router: TaskRouter;
  private readonly resultExpires: number | undefined;
  private brokerSetting: string | Broker;
  private backendSetting: string | ResultBackend | undefined;
  private brokerConnection: Promise<Broker> | undefined;
  private backendInstance: ResultBackend | undefined;

  constructor(options: CeleriacOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.appLogger = options.logger ?? new Logger({ level: 'WARNING' });
    this.taskDefaults = options.taskDefaults ?? {};
    this.visibilityTimeout = options.visibilityTimeout;
    this.router = new TaskRouter(options.taskRoutes);
    this.resultExpires = options.resultExpires;
    this.brokerSetting = options.broker ?? DEFAULT_BROKER_URL;
    this.backendSetting = options.resultBackend;
  }

  /** Defines a task. With `{ bind: true }` the function receives the TaskContext first. */
  task<F extends TaskFunction>(name: string, fn: F): Task<Parameters<F>, Awaited<ReturnType<F>>>;
  task<F extends TaskFunction>(name: string, options: TaskOptions & { bind?: false }, fn: F): Task<Parameters<F>, Awaited<ReturnType<F>>>;
  task<F extends BoundTaskFunction>(name: string, options: TaskOptions & { bind: true }, fn: F): Task<Tail<Parameters<F>>, Awaited<ReturnType<F>>>;
  task(name: string, optionsOrFn: TaskOptions | TaskFunction, maybeFn?: TaskFunction): Task<unknown[], unknown> {
    const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn;
    if (typeof fn !== 'function') throw new UsageError(`task "${name}": expected a function`);
    const own = typeof optionsOrFn === 'function' ? {} : optionsOrFn;
    const definition = { name, fn, options: { ...this.taskDefaults, ...own } };
    this.registry.register(definition);
    return new Task(this, definition);
  }

  /**
   * Replaces the broker, result backend and logger settings (the worker's --broker,
   * --result-backend, -l/-f), before anything connected.
   */
  configure(settings: { broker?: string; resultBackend?: string; logger?: Logger }): void {
    if (this.brokerConnection || this.backendInstance) throw new Error('configure() must come before the app connects');
    if (settings.broker !== undefined) this.brokerSetting = settings.broker;
    if (settings.resultBackend !== undefined) this.backendSetting = settings.resultBackend;
    if (settings.logger !== undefined) this.appLogger = settings.logger;
  }

  /** Where the app and the connections it makes report problems. */
  get logger(): Logger {
    return this.appLogger;
  }

  /** The URLs the app is set to use; a Broker or ResultBackend given as an object has none. */
  get urls(): { broker?: string; resultBackend?: string } {
    return {
      ...(typeof this.brokerSetting === 'string' ? { broker: this.brokerSetting } : {}),
      ...(typeof this.backendSetting === 'string' ? { resultBackend: this.backendSetting } : {}),
    };
  }

  /** The broker, password masked, for banners and logs. */
  get brokerDisplayUrl(): string {
    return typeof this.brokerSetting === 'string' ? maskUrl(this.brokerSetting) : this.brokerSetting.displayUrl;
  }

  get hasResultBackend(): boolean {
    return this.backendSetting !== undefined;
  }

  /**
   * Sends a task by name; the task need not be defined here (Celery's send_task). Bad options throw
   * at once; publishing runs in the background: `result.sent` settles when the broker has it.
   */
  sendTask<R = unknown>(name: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, options: SendOptions = {}): AsyncResult<R> {
    const message = buildTaskMessage(taskRequest(name, args, kwargs, options, this.router.route(name)), this.clock.now());
    const sent = this.publish(message, options.retry === false ? false : options.retryPolicy ?? {});
    sent.catch((error: unknown) => {
      this.logger.error(`could not send task ${name}[${message.headers.id}]: ${errorText(error)}`);
    });
    return new AsyncResult<R>(message.headers.id, () => this.resultBackend(), sent);
  }

  /** A signature of a task by name, for link/linkError/chain. */
  signature(name: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, options: Record<string, unknown> = {}): Signature {
    return makeSignature(name, args, kwargs, options);
  }

  /** A handle on the result of a task sent earlier. */
  asyncResult<R = unknown>(taskId: string): AsyncResult<R> {
    return new AsyncResult<R>(taskId, () => this.resultBackend());
  }

  /** Publishes a built message, retrying while the broker is unreachable. */
  async publish(message: TaskMessage, policy: RetryPolicy | false = {}): Promise<void> {
    const broker = await this.broker();
    await withPublishRetry(() => broker.publish(message), policy, this.clock);
  }

  /** The connected broker (connecting on first use). */
  broker(): Promise<Broker> {
    this.brokerConnection ??= this.connectBroker();
    return this.brokerConnection;
  }

  /** The result backend; throws when the app has none. */
  resultBackend(): ResultBackend {
    const backend = this.optionalResultBackend();
    if (!backend) throw new UsageError('no result backend is configured: pass resultBackend to new Celeriac() (or --result-backend)');
    return backend;
  }

  optionalResultBackend(): ResultBackend | undefined {
    if (!this.backendInstance && this.backendSetting !== undefined) {
      this.backendInstance = typeof this.backendSetting === 'string'
        ? createResultBackend(this.backendSetting, { clock: this.clock, logger: this.logger, ...(this.resultExpires === undefined ? {} : { resultExpires: this.resultExpires }) })
        : this.backendSetting;
    }
    return this.backendInstance;
  }

  /** Closes the broker and result backend the app created from URLs (given instances stay open). */
  async close(): Promise<void> {
    const connection = typeof this.brokerSetting === 'string' ? this.brokerConnection : undefined;
    const backend = typeof this.backendSetting === 'string' ? this.backendInstance : undefined;
    this.brokerConnection = undefined;
    this.backendInstance = undefined;
    if (connection) await (await connection.catch(() => undefined))?.close();
    if (backend) await backend.close();
  }

  private async connectBroker(): Promise<Broker> {
    const broker = typeof this.brokerSetting === 'string' ? createBroker(this.brokerSetting, { clock: this.clock, logger: this.logger }) : this.brokerSetting;
    await broker.connect();
    return broker;
  }
}

/** True for a Celeriac app, also one created by another copy of this package (src vs dist). */
export function isCeleriacApp(value: unknown): value is Celeriac {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[APP_BRAND] === true;
}
