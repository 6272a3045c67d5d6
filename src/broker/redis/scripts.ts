import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const sources = {
  celeriacPublish: readFileSync(new URL('./publish.lua', import.meta.url), 'utf8'),
  celeriacRestore: readFileSync(new URL('./restore.lua', import.meta.url), 'utf8'),
  celeriacReject: readFileSync(new URL('./reject.lua', import.meta.url), 'utf8'),
  celeriacReserve: readFileSync(new URL('./reserve.lua', import.meta.url), 'utf8'),
  celeriacReleaseMutex: readFileSync(new URL('./release-mutex.lua', import.meta.url), 'utf8'),
};

export type ScriptName = keyof typeof sources;

/** The broker's Lua scripts on one connection: loaded once (EVALSHA, ioredis falls back to EVAL). */
export class BrokerScripts {
  constructor(private readonly redis: Redis) {
    for (const [name, lua] of Object.entries(sources)) {
      if (!(name in redis)) redis.defineCommand(name, { lua });
    }
  }

  run(name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const command = (this.redis as unknown as Record<ScriptName, (...a: unknown[]) => Promise<unknown>>)[name];
    return command.call(this.redis, keys.length, ...keys, ...args);
  }
}
