/** Wakes whoever waits: a promise renewed after each notify (no missed wake-ups for one waiter). */
export class Signal {
  private waiting: (() => void) | undefined;
  private pending = false;

  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => { this.waiting = resolve; });
  }

  notify(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting();
    else this.pending = true;
  }
}
