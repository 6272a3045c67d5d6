/**
 * A binary min-heap of (due time, entry name). Beat sleeps until the top is due, so a tick costs
 * O(k log n) for the k entries due, never O(n). Entries are replaced by pushing a newer version:
 * stale items are recognised by their version and dropped when they reach the top.
 */
export interface DueItem {
  dueMs: number;
  name: string;
  version: number;
}

export class DueQueue {
  private heap: DueItem[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: DueItem): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.dueMs <= item.dueMs) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  peek(): DueItem | undefined {
    return this.heap[0];
  }

  pop(): DueItem | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && heap[right]!.dueMs < heap[left]!.dueMs ? right : left;
      if (heap[child]!.dueMs >= last.dueMs) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** Rebuilds from the items still wanted, when stale versions pile up after many reloads. */
  compact(isCurrent: (item: DueItem) => boolean): void {
    const items = this.heap.filter(isCurrent);
    this.heap = [];
    for (const item of items) this.push(item);
  }
}
