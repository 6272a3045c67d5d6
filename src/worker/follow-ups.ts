import type { Signature } from '../protocol/types.js';
import type { Logger } from '../util/log.js';
import type { Celeriac } from './app.js';
import { resultTuple, type ResultTuple } from './backends/meta.js';
import type { RetryPlan } from './invoke.js';
import type { TaskRequest } from './request.js';
import type { AsyncResult } from './result.js';
import { sendOptionsOfSignature, type SendOptions } from './send-options.js';
import { errorText } from './errors.js';

/**
 * The messages a finished task leads to, sent as Celery's worker sends them: callbacks and the next
 * step of a chain on success, errbacks on failure, the task itself again on retry.
 */

export interface ParentTask {
  id: string;
  rootId: string;
}

/**
 * Sends a signature found in a message's callbacks, errbacks or chain, as Celery's worker does:
 * `parentArgs` (the parent's result, or its id for an errback) come before the signature's own
 * arguments unless it is immutable, and the new task records its parent and root.
 */
export function applySignature(app: Celeriac, signature: Signature, parentArgs: unknown[], parent: ParentTask, extra: SendOptions = {}): AsyncResult {
  if (signature.subtask_type) throw new Error(`cannot apply a "${signature.subtask_type}" signature (${signature.task}): celeriac workers apply plain task signatures and chains`);
  const args = signature.immutable ? signature.args ?? [] : [...parentArgs, ...(signature.args ?? [])];
  return app.sendTask(signature.task, args, signature.kwargs ?? {}, {
    ...sendOptionsOfSignature(signature),
    ...extra,
    parentId: parent.id,
    rootId: parent.rootId,
  });
}

/** Callbacks get the result; so does the chain's next task, which carries the rest of the chain. */
export async function sendCallbacks(app: Celeriac, request: TaskRequest, result: unknown, logger: Logger): Promise<ResultTuple[]> {
  const { callbacks, chain } = request.decoded.embed;
  const parent = parentOf(request);
  const sends: Array<() => AsyncResult> = (callbacks ?? []).map((signature) => () => applySignature(app, signature, [result], parent));
  if (chain && chain.length > 0) {
    const rest = chain.slice(0, -1);
    const next = chain[chain.length - 1]!;
    sends.push(() => applySignature(app, next, [result], parent, rest.length > 0 ? { chain: rest } : {}));
  }
  const children: ResultTuple[] = [];
  for (const send of sends) {
    try {
      const sent = send();
      await sent.sent;
      children.push(resultTuple(sent.id));
    } catch (error) {
      logger.error(`Task ${request.info.name}[${request.info.id}]: could not send a callback: ${errorText(error)}`);
    }
  }
  return children;
}

/** Errbacks get the failed task's id, as Celery sends errbacks it cannot call in-process. */
export function sendErrbacks(app: Celeriac, request: TaskRequest, logger: Logger): void {
  for (const signature of request.decoded.embed.errbacks ?? []) {
    try {
      applySignature(app, signature, [request.info.id], parentOf(request));
    } catch (error) {
      logger.error(`Task ${request.info.name}[${request.info.id}]: could not send an errback: ${errorText(error)}`);
    }
  }
}

/**
 * The same task again: same id, one more retry, later; everything else as the message had it.
 * Returns the error when the retry could not be sent.
 */
export async function sendRetry(app: Celeriac, request: TaskRequest, plan: RetryPlan): Promise<Error | undefined> {
  const { headers, embed } = request.decoded;
  const [timeLimit, softTimeLimit] = headers.timelimit ?? [null, null];
  const priority = request.delivery.message.properties.priority;
  try {
    await app.sendTask(request.info.name, plan.args ?? request.info.args, plan.kwargs ?? request.info.kwargs, {
      taskId: request.info.id,
      retries: request.info.retries + 1,
      ...(plan.eta ? { eta: plan.eta } : { countdown: plan.countdownSeconds ?? 0 }),
      ...(headers.expires ? { expires: headers.expires } : {}),
      queue: request.info.queue,
      ...(typeof priority === 'number' ? { priority } : {}),
      ...(timeLimit === null ? {} : { timeLimit }),
      ...(softTimeLimit === null ? {} : { softTimeLimit }),
      ...(embed.callbacks ? { link: embed.callbacks } : {}),
      ...(embed.errbacks ? { linkError: embed.errbacks } : {}),
      ...(embed.chain ? { chain: embed.chain } : {}),
      rootId: request.info.rootId,
      ...(request.info.parentId ? { parentId: request.info.parentId } : {}),
      group: request.info.groupId,
      ignoreResult: headers.ignore_result === true,
    }).sent;
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function parentOf(request: TaskRequest): ParentTask {
  return { id: request.info.id, rootId: request.info.rootId };
}
