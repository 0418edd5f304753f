// A counting semaphore for the job pool and max-parallel.
/** A counting semaphore whose waiters are served in order and can give up when a signal aborts. */
export class Slots {
  private used = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(private readonly size: number) {}

  /** true once a slot is taken; false if `signal` aborts first. */
  take(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.used < this.size && this.waiting.length === 0) {
      this.used += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter = {
        grant: () => {
          signal.removeEventListener("abort", giveUp);
          resolve(true);
        },
      };
      const giveUp = (): void => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(false);
      };
      signal.addEventListener("abort", giveUp, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(): void {
    this.used -= 1;
    while (this.used < this.size) {
      const next = this.waiting.shift();
      if (!next) break;
      this.used += 1;
      next.grant();
    }
  }
}
