/**
 * Gathers what is added during one event-loop turn and sends it in one go: `flush` gets every item
 * added before it ran, and each `add` settles with the flush of its batch (all fulfil or all reject).
 * A busy worker acks and stores hundreds of tasks a turn; one Redis round trip each cost more than
 * the tasks themselves.
 */
export class TurnBatch<T> {
  private items: T[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly flush: (items: T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    this.items.push(item);
    // process.nextTick runs once the promise jobs already queued have run, so the items they add join this batch.
    this.flushing ??= new Promise<void>((resolve) => process.nextTick(resolve)).then(() => {
      const items = this.items;
      this.items = [];
      this.flushing = undefined;
      return this.flush(items);
    });
    return this.flushing;
  }
}
