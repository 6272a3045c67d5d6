import type { ChildProcess } from 'node:child_process';
import { spawnCli } from '../../helpers/cli.js';

/** A `celeriac worker` child process in its own process group, with its output collected. */
export class CliWorker {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.child = spawnCli(['worker', ...args], { detached: true, ...options });
    this.child.stdout?.on('data', (chunk: Buffer) => { this.stdout += chunk.toString(); });
    this.child.stderr?.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves when the log (stderr) matches; fails with the output so far after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stderr)) {
      if (this.child.exitCode !== null) throw new Error(`worker exited (${this.child.exitCode}) before ${pattern}\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms\n${this.stdout}\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  signal(name: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.pid) process.kill(this.child.pid, name);
  }

  /** Kills the whole process group (the worker and anything it started). */
  kill(): void {
    if (this.child.exitCode === null && this.child.pid) {
      try { process.kill(-this.child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
}
