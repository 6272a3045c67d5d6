import type { Consumer } from '../broker/interfaces.js';

/** One broker consumer and its share of the prefetch, raised by one per eta message it holds. */
export class ConsumerSlot {
  consumer: Consumer | undefined;
  private held = 0;

  constructor(private readonly prefetch: number) {}

  holdOne(): void {
    this.held++;
    this.consumer?.setPrefetch(this.prefetch + this.held);
  }

  releaseOne(): void {
    this.held--;
    this.consumer?.setPrefetch(this.prefetch + this.held);
  }
}
