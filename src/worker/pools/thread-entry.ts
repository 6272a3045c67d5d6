/**
 * One thread of the threads pool: loads the app module itself (tasks are code, they cannot be sent
 * over), then runs the tasks it is handed, one at a time, and answers with their outcomes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NotRegistered, SoftTimeLimitExceeded, errorText } from '../errors.js';
import { invokeTask } from '../invoke.js';
import { loadApp } from '../load-app.js';
import { failure } from './async-pool.js';
import type { ThreadReply, ThreadRequest, ThreadData } from './thread-messages.js';

const port = parentPort!;
const { moduleFile, broker, resultBackend } = workerData as ThreadData;
const reply = (message: ThreadReply): void => port.postMessage(message);

try {
  const { app } = await loadApp(moduleFile);
  app.configure({ ...(broker ? { broker } : {}), ...(resultBackend ? { resultBackend } : {}) });
  let current: AbortController | undefined;
  port.on('message', (message: ThreadRequest) => {
    if (message.type === 'soft') {
      current?.abort(new SoftTimeLimitExceeded(message.seconds));
      return;
    }
    const controller = new AbortController();
    current = controller;
    const definition = app.registry.get(message.info.name);
    const outcome = definition ? invokeTask(definition, message.info, controller.signal) : Promise.resolve(failure(new NotRegistered(message.info.name)));
    void outcome.then((result) => {
      current = undefined;
      reply({ type: 'done', outcome: result });
    });
  });
  reply({ type: 'ready' });
} catch (error) {
  reply({ type: 'failed', message: errorText(error) });
}
