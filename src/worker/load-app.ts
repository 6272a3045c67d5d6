import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';
import { isCeleriacApp, type Celeriac } from './app.js';
import { errorText } from './errors.js';

export interface LoadedApp {
  app: Celeriac;
  /** The module's absolute path, which the threads pool loads again in each thread. */
  file: string;
}

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);
const TRIED_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs', '.cts'];

/**
 * Loads the app of `-A MODULE` (cli.md): a path relative to `cwd` (the extension may be left out)
 * or a package name; an ES or CommonJS module exporting `app` or a default export that is a
 * Celeriac app. TypeScript modules load through tsx, registered on first need.
 */
export async function loadApp(spec: string, cwd: string = process.cwd()): Promise<LoadedApp> {
  const file = resolveModule(spec, cwd);
  if (TYPESCRIPT.has(extname(file))) await registerTypeScript();
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`-A ${spec}: loading ${file} failed: ${errorText(error)}`, { cause: error });
  }
  const app = findApp(module);
  if (!app) throw new UsageError(`-A ${spec}: ${file} exports no Celeriac app (export const app = new Celeriac(...), or export it as default)`);
  return { app, file };
}

function resolveModule(spec: string, cwd: string): string {
  const path = isAbsolute(spec) ? spec : resolve(cwd, spec);
  for (const candidate of [path, ...TRIED_EXTENSIONS.map((ext) => path + ext)]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  if (spec.startsWith('.') || isAbsolute(spec)) throw new UsageError(`-A ${spec}: no such module (looked for ${path} with and without ${TRIED_EXTENSIONS.join(', ')})`);
  try {
    return createRequire(join(cwd, 'package.json')).resolve(spec);
  } catch {
    throw new UsageError(`-A ${spec}: not a file under ${cwd} and not an installed package`);
  }
}

function findApp(module: Record<string, unknown>): Celeriac | undefined {
  const fallback = module.default as Record<string, unknown> | undefined;
  // CommonJS `module.exports = { app }` arrives as the default export.
  for (const candidate of [module.app, fallback, fallback?.app]) {
    if (isCeleriacApp(candidate)) return candidate;
  }
  return undefined;
}

let typeScriptRegistered: Promise<void> | undefined;

/** Node 20 cannot run TypeScript by itself: tsx's loaders handle import and require of .ts. */
function registerTypeScript(): Promise<void> {
  typeScriptRegistered ??= (async () => {
    const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    esm.register();
    cjs.register();
  })();
  return typeScriptRegistered;
}
