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
