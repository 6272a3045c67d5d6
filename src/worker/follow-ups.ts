import type { Signature } from '../protocol/types.js';
import type { Celeriac } from './app.js';
import type { AsyncResult } from './result.js';
import { sendOptionsOfSignature, type SendOptions } from './send-options.js';

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
