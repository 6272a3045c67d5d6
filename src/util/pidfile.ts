import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

/**
 * A pidfile as Celery's --pidfile: created at start, removed at exit. A file naming a live process
 * means another instance runs, so this one refuses; a stale file (dead process) is replaced.
 */
export class Pidfile {
  private constructor(readonly path: string) {}

  static acquire(path: string): Pidfile {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
        return new Pidfile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UsageError(`--pidfile ${path}: ${(error as Error).message}`);
        const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
        if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
          throw new UsageError(`--pidfile ${path}: already running as process ${pid}`);
        }
        rmSync(path, { force: true });
      }
    }
    throw new UsageError(`--pidfile ${path}: could not be created`);
  }

  release(): void {
    try {
      if (Number.parseInt(readFileSync(this.path, 'utf8'), 10) === process.pid) rmSync(this.path, { force: true });
    } catch {
      // Already gone.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
