// Concurrency groups with GitHub's semantics: in each group at most one holder runs and one
// waits. A newer request replaces (cancels) the one waiting; with cancel-in-progress it also
// cancels the one running. This gate keeps its state in memory, for every run of one process;
// a shared store can implement the same interface for several processes.

/** The message GitHub gives a run or job that a newer request in its group displaced. */
export function preemptionReason(group: string): string {
  return `Canceling since a higher priority waiting request for '${group}' exists`;
}

export interface ConcurrencyRequest {
  group: string;
  cancelInProgress: boolean;
  /** Aborting it while waiting withdraws the request. */
  signal: AbortSignal;
  /** Called on the holder when a newer request with cancel-in-progress arrives; it should stop, then release. */
  onPreempt(reason: string): void;
}

export type ConcurrencyEntry = { kind: "granted"; release: () => void } | { kind: "cancelled"; reason: string };

export interface ConcurrencyGate {
  /** Resolves when the request holds its group, or when it was replaced or withdrawn before that. */
  enter(request: ConcurrencyRequest): Promise<ConcurrencyEntry>;
}

interface Waiter {
  request: ConcurrencyRequest;
  settle(entry: ConcurrencyEntry): void;
}

interface GroupState {
  running?: ConcurrencyRequest;
  waiting?: Waiter;
}

export class LocalConcurrency implements ConcurrencyGate {
  private readonly groups = new Map<string, GroupState>();

  enter(request: ConcurrencyRequest): Promise<ConcurrencyEntry> {
    if (request.signal.aborted) return Promise.resolve({ kind: "cancelled", reason: "The run was cancelled." });
    const state = this.groups.get(request.group) ?? {};
    this.groups.set(request.group, state);
    if (!state.running) {
      state.running = request;
      return Promise.resolve(this.grant(request));
    }
    state.waiting?.settle({ kind: "cancelled", reason: preemptionReason(request.group) });
    return new Promise((resolve) => {
      const withdraw = (): void => {
        if (state.waiting !== waiter) return;
        state.waiting = undefined;
        resolve({ kind: "cancelled", reason: "The run was cancelled." });
      };
      const waiter: Waiter = {
        request,
        settle: (entry) => {
          request.signal.removeEventListener("abort", withdraw);
          if (state.waiting === waiter) state.waiting = undefined;
          resolve(entry);
        },
      };
      state.waiting = waiter;
      request.signal.addEventListener("abort", withdraw, { once: true });
      if (request.cancelInProgress) state.running?.onPreempt(preemptionReason(request.group));
    });
  }

  private grant(request: ConcurrencyRequest): ConcurrencyEntry {
    let released = false;
    return {
      kind: "granted",
      release: () => {
        if (released) return;
        released = true;
        const state = this.groups.get(request.group);
        if (!state || state.running !== request) return;
        const next = state.waiting;
        state.running = next?.request;
        if (next) next.settle(this.grant(next.request));
        else this.groups.delete(request.group);
      },
    };
  }
}
