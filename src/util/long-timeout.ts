// setTimeout fires at once for delays past 2^31-1 ms (about 24.8 days) and warns; a timeout
// of 36000 minutes must wait that long, so longer delays are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls fn after ms (any length); returns a function that cancels it. */
export function setLongTimeout(fn: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout;
  const arm = (left: number): void => {
    timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fn()), Math.min(Math.max(left, 0), MAX_TIMER_MS));
  };
  arm(ms);
  return () => clearTimeout(timer);
}
