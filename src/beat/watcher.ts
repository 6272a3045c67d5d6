import { watch, statSync, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/**
 * Watches schedule files and folders and reports which sources changed, debounced. Editors often
 * save by writing a new file and renaming it over the old one, which ends a watch on the file itself,
 * so files are watched through their folder.
 */
export class SourceWatcher {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly changed = new Set<string>();

  /**
   * @param sources files and folders as given to beat; reported back exactly as given
   * @param onChange called with the sources that changed, at most once per debounce window
   */
  constructor(
    sources: string[],
    private readonly onChange: (sources: string[]) => void,
    private readonly debounceMs = 100,
  ) {
    const byFolder = new Map<string, Array<{ source: string; file: string | null }>>();
    for (const source of sources) {
      const path = resolve(source);
      const isFolder = isDirectory(path);
      const folder = isFolder ? path : dirname(path);
      const list = byFolder.get(folder) ?? [];
      list.push({ source, file: isFolder ? null : basename(path) });
      byFolder.set(folder, list);
    }
    for (const [folder, interested] of byFolder) {
      const watcher = watch(folder, (_event, filename) => {
        for (const { source, file } of interested) {
          if (file === null || filename === null || filename === file) this.note(source);
        }
      });
      watcher.on('error', () => { /* a removed folder: the next reload reports the missing source */ });
      this.watchers.push(watcher);
    }
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close();
    if (this.timer) clearTimeout(this.timer);
  }

  private note(source: string): void {
    this.changed.add(source);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const sources = [...this.changed];
      this.changed.clear();
      this.onChange(sources);
    }, this.debounceMs);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
