import type { ChildProcess } from 'node:child_process';
import { spawnCli } from './cli.js';

/** A long-running CLI child (beat, worker) in its own process group, with its output collected. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.child = spawnCli(args, { detached: true, ...options });
    this.child.stdout?.on('data', (chunk: Buffer) => { this.stdout += chunk.toString(); });
    this.child.stderr?.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves when the log (stderr) matches; fails with the output so far after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stderr)) {
      if (this.child.exitCode !== null) throw new Error(`process exited (${this.child.exitCode}) before ${pattern}\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms\n${this.stdout}\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** How many times the log matches `pattern` (which must be global). */
  count(pattern: RegExp): number {
    return this.stderr.match(pattern)?.length ?? 0;
  }

  signal(name: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.pid) process.kill(this.child.pid, name);
  }

  /** Kills the whole process group (the process and anything it started). */
  kill(): void {
    if (this.child.exitCode === null && this.child.pid) {
      try { process.kill(-this.child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
}
