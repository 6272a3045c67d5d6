/**
 * Compiling the same cron text again is common (many entries share "0 * * * *"), so compiled
 * expressions and field lists are remembered, within a bound.
 */
/** Remembers up to `limit` values by key; when full it starts over, which bounds memory and costs nothing. */
export class BoundedCache<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: () => V): V {
    let value = this.values.get(key);
    if (value === undefined) {
      value = compute();
      if (this.values.size >= this.limit) this.values.clear();
      this.values.set(key, value);
    }
    return value;
  }
}
