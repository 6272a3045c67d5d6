import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadApp } from '../../src/worker/load-app.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

describe('loading the -A module', () => {
  it('loads a TypeScript module path relative to the working directory and finds its `app` export', async () => {
    const loaded = await loadApp('threads-app.ts', fixtures);
    expect(loaded.file).toBe(`${fixtures}threads-app.ts`);
    expect(loaded.app.registry.names()).toContain('tasks.add');
  });

  it('accepts the path without its extension', async () => {
    expect((await loadApp('./threads-app', fixtures)).file).toBe(`${fixtures}threads-app.ts`);
  });

  it('takes the default export of an ES module', async () => {
    expect(((await loadApp('modules/default-export.mjs', fixtures)).app as unknown as { kind: string }).kind).toBe('esm default');
  });

  it('takes `app` from a CommonJS module', async () => {
    expect(((await loadApp('modules/commonjs.cjs', fixtures)).app as unknown as { kind: string }).kind).toBe('commonjs');
  });

  it('resolves a package name from the working directory', async () => {
    await expect(loadApp('yaml', fixtures)).rejects.toThrow(/exports no Celeriac app/);
  });

  it('says which module is missing, as a usage error', async () => {
    const error = await loadApp('./nowhere/tasks', fixtures).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(String(error)).toContain('-A ./nowhere/tasks: no such module');
  });

  it('says when the module exports no app', async () => {
    await expect(loadApp('modules/no-app.mjs', fixtures)).rejects.toThrow(/modules\/no-app.mjs exports no Celeriac app/);
  });

  it('reports an error thrown while importing, naming the module', async () => {
    await expect(loadApp('modules/broken.mjs', fixtures)).rejects.toThrow(/-A modules\/broken.mjs: loading .*broken.mjs failed: broken on import/);
  });
});
