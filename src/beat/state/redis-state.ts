import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { TaskMessage } from '../../protocol/types.js';
import type { BeatStateBackend, Claim, ClaimOutcome, EntryState, Registration } from '../interfaces.js';

/** How a message lands in Redis: kombu's binding set member and priority list, and the envelope. */
export interface RedisPlacement {
  bindingKey: string;
  bindingMember: string;
  listKey: string;
  envelope: string;
}
export type RedisPlacer = (message: TaskMessage) => RedisPlacement;

const REGISTER_LUA = readFileSync(new URL('./register.lua', import.meta.url), 'utf8');
const CLAIM_LUA = readFileSync(new URL('./claim.lua', import.meta.url), 'utf8');

type ScriptRunner = (keys: string[], args: Array<string | Buffer>) => Promise<string[]>;

/** Registrations per script call: keeps each call short, so Redis never stalls for long. */
const REGISTER_CHUNK = 5000;

/**
 * Beat state in Redis, beside the queue, so claiming an occurrence and pushing its message is one
 * Lua script and any number of beats can share it. Keys (prefix default `celeriac:beat:`):
 * `<prefix>meta` (hash: name -> "anchor:since:enabled:fingerprint"), `<prefix>last` (name -> last run ms),
 * `<prefix>runs` (name -> runs). The scripts write queue keys they are handed in ARGV, which is
 * fine on a single Redis (not Redis Cluster).
 * State survives a Redis restart only if Redis persists (AOF); see the README.
 */
export class RedisBeatState implements BeatStateBackend {
  private readonly keys: string[];
  private readonly registerScript: ScriptRunner;
  private readonly claimScript: ScriptRunner;

  constructor(
    private readonly redis: Redis,
    private readonly place: RedisPlacer,
    readonly description: string,
    prefix = 'celeriac:beat:',
  ) {
    this.keys = [`${prefix}meta`, `${prefix}last`, `${prefix}runs`];
    this.registerScript = defineScript(redis, 'celeriacBeatRegister', REGISTER_LUA);
    this.claimScript = defineScript(redis, 'celeriacBeatClaim', CLAIM_LUA);
  }

  async register(registrations: Registration[], nowMs: number): Promise<Map<string, EntryState>> {
    const states = new Map<string, EntryState>();
    for (let i = 0; i < registrations.length; i += REGISTER_CHUNK) {
      const chunk = registrations.slice(i, i + REGISTER_CHUNK);
      const args = [String(nowMs)];
      for (const r of chunk) args.push(r.name, r.fingerprint, r.enabled ? '1' : '0');
      const reply = await this.registerScript(this.keys, args);
      chunk.forEach((r, k) => {
        const state = parseState(reply[3 * k]!, reply[3 * k + 1]!, reply[3 * k + 2]!)!;
        // Stored is the fingerprint just registered; holding a slice of the reply would hold all of it (100k replies).
        state.fingerprint = r.fingerprint;
        states.set(r.name, state);
      });
    }
    return states;
  }

  async claim(claims: Claim[]): Promise<ClaimOutcome[]> {
    // Each route (list and binding) is sent once per batch; messages refer to it by number, and
    // their envelopes travel as one buffer (claim.lua).
    const routes = new Map<string, string>();
    const routeArgs: string[] = [];
    const claimArgs: string[] = [];
    let messages = 0;
    for (const claim of claims) messages += claim.messages.length;
    const envelopes = new EnvelopeBytes(messages * 1024);
    for (const claim of claims) {
      claimArgs.push(claim.name, claim.expectedLastRunMs === null ? '' : String(claim.expectedLastRunMs), String(claim.lastRunMs), String(claim.messages.length));
      for (const message of claim.messages) {
        const p = this.place(message);
        const route = `${p.listKey.length}:${p.bindingKey.length}:${p.listKey}${p.bindingKey}${p.bindingMember}`;
        let number = routes.get(route);
        if (number === undefined) {
          number = String(routes.size + 1);
          routes.set(route, number);
          routeArgs.push(p.listKey, p.bindingKey, p.bindingMember);
        }
        claimArgs.push(number, String(envelopes.append(p.envelope)));
      }
    }
    const refused = (await this.claimScript(this.keys, [String(routes.size), ...routeArgs, ...claimArgs, envelopes.bytes()])) as Array<string | number>;
    const outcomes: ClaimOutcome[] = claims.map(() => ({ ok: true }));
    for (let k = 0; k < refused.length; k += 4) {
      outcomes[Number(refused[k]) - 1] = { ok: false, current: parseState(String(refused[k + 1]), String(refused[k + 2]), String(refused[k + 3])) };
    }
    return outcomes;
  }

  async read(names: string[]): Promise<Map<string, EntryState>> {
    const states = new Map<string, EntryState>();
    if (names.length === 0) return states;
    const [metas, lasts, runs] = await Promise.all([
      this.redis.hmget(this.keys[0]!, ...names),
      this.redis.hmget(this.keys[1]!, ...names),
      this.redis.hmget(this.keys[2]!, ...names),
    ]);
    names.forEach((name, i) => {
      const state = parseState(metas[i] ?? '', lasts[i] ?? '', runs[i] ?? '0');
      if (state) states.set(name, state);
    });
    return states;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/**
 * The envelopes of one claim call, one after another in a single buffer sent as one argument. Each
 * envelope string is short-lived garbage; thousands of them as separate arguments were copied into
 * one large command string held until Redis replied, and during a 100k burst V8 promoted those to
 * the old generation by the hundred megabytes.
 */
class EnvelopeBytes {
  private buffer: Buffer;
  private length = 0;

  /** `capacity`: a guess; it grows as needed. A small guess comes from Node's shared pool. */
  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(capacity, 256));
  }

  /** Appends the UTF-8 of `envelope`; returns its length in bytes. */
  append(envelope: string): number {
    const most = envelope.length * 3;
    if (this.length + most > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.length + most));
      this.buffer.copy(bigger, 0, 0, this.length);
      this.buffer = bigger;
    }
    const written = this.buffer.write(envelope, this.length, 'utf8');
    this.length += written;
    return written;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function defineScript(redis: Redis, name: string, lua: string): ScriptRunner {
  if (!(name in redis)) redis.defineCommand(name, { lua });
  const command = (redis as unknown as Record<string, (...args: unknown[]) => Promise<string[]>>)[name]!.bind(redis);
  return (keys, args) => command(keys.length, ...keys, ...args);
}

function parseState(meta: string, last: string, runs: string): EntryState | null {
  const match = /^([^:]*):([^:]*):([^:]*):(.*)$/s.exec(meta);
  if (!match) return null;
  return {
    anchorMs: Number(match[1]),
    sinceMs: Number(match[2]),
    enabled: match[3] === '1',
    fingerprint: match[4]!,
    lastRunMs: last === '' ? null : Number(last),
    runs: Number(runs || 0),
  };
}
