/**
 * One promise per key for the life of the process: later callers share the first one's
 * answer, or its failure (which is marked handled, so a caller that stopped waiting does not
 * make it an unhandled rejection).
 */
export function memoized<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let answer = cache.get(key);
  if (!answer) {
    answer = make();
    answer.catch(() => undefined);
    cache.set(key, answer);
  }
  return answer;
}

/**
 * One promise per key while it runs: callers that ask before it settles share it, and a later
 * caller starts anew (for answers that are true of a moment, such as what a work tree holds).
 */
export function sharedWhileRunning<T>(running: Map<string, Promise<T>>, key: string, start: () => Promise<T>): Promise<T> {
  let answer = running.get(key);
  if (!answer) {
    answer = start().finally(() => running.delete(key));
    running.set(key, answer);
  }
  return answer;
}
