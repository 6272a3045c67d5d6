import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Logger } from '../../src/util/log.js';

const dirs: string[] = [];
function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'celeriac-log-'));
  dirs.push(dir);
  return join(dir, name);
}
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

const LINE = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: (\w+)\/(\w+)\] (.*)$/;

/** Runs a few lines of code in a fresh Node process (the logger flushes at exit). */
function runNode(code: string): { stderr: string } {
  const logModule = new URL('../../src/util/log.ts', import.meta.url).href;
  const script = `import { Logger } from ${JSON.stringify(logModule)};\n${code}`;
  try {
    execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], { stdio: 'pipe' });
    return { stderr: '' };
  } catch (error) {
    return { stderr: String((error as { stderr: Buffer }).stderr) };
  }
}

describe('Logger', () => {
  it('appends Celery-style lines to the log file, loggers of one file in the order they logged', async () => {
    const file = tempFile('beat.log');
    const main = new Logger({ file });
    const beat = main.child('Beat');
    main.info('first');
    beat.warning('second');
    main.debug('not at INFO');
    main.error('third');
    await Promise.resolve();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => LINE.exec(line)!.slice(1));
    expect(lines).toEqual([['INFO', 'MainProcess', 'first'], ['WARNING', 'Beat', 'second'], ['ERROR', 'MainProcess', 'third']]);
  });

  it('writes the lines of one stretch of synchronous work together, right after it', async () => {
    const file = tempFile('burst.log');
    const logger = new Logger({ file });
    for (let i = 0; i < 1000; i++) logger.info(`Scheduler: Sending due task e${i} (t)`);
    expect(() => readFileSync(file, 'utf8')).toThrow(/ENOENT/);
    await Promise.resolve();
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(1001);
  });

  it('writes what is still pending when the process exits', () => {
    const file = tempFile('exit.log');
    runNode(`new Logger({ file: ${JSON.stringify(file)} }).info('last words'); process.exit(3);`);
    expect(readFileSync(file, 'utf8')).toMatch(/INFO\/MainProcess\] last words\n$/);
  });

  it('reports a log file it cannot write on stderr, with the lines, and carries on', () => {
    const file = join(tempFile('x'), 'no-such-folder', 'beat.log');
    const { stderr } = runNode(`
      const logger = new Logger({ file: ${JSON.stringify(file)} });
      logger.info('one');
      await Promise.resolve();
      logger.info('two');
      await Promise.resolve();
      process.exitCode = 1;
    `);
    expect(stderr).toContain(`celeriac: cannot write the log file ${file}: ENOENT`);
    expect(stderr).toMatch(/\] one\n/);
    expect(stderr).toMatch(/\] two\n/);
  });

  it('gives lines to a sink as they are logged (for tests and embedding)', () => {
    const lines: string[] = [];
    new Logger({ level: 'DEBUG', sink: (line) => lines.push(line) }).debug('now');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DEBUG\/MainProcess\] now\n$/);
  });
});
