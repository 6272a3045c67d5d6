/**
 * The order a consumer looks at its queues: kombu's default `round_robin` queue_order_strategy.
 * It starts in the given order, and a queue that just delivered moves to the end, so a busy first
 * queue cannot starve the others (priority still outranks queue order).
 */
export class RoundRobinQueues {
  private readonly queues: string[];

  constructor(queues: readonly string[]) {
    this.queues = [...new Set(queues)];
  }

  current(): readonly string[] {
    return this.queues;
  }

  served(queue: string): void {
    const at = this.queues.indexOf(queue);
    if (at !== -1) this.queues.push(...this.queues.splice(at, 1));
  }
}
