// Operations on arrays too large to spread into a call's arguments: V8 passes each element on the
// stack, so `push(...items)` and `Math.max(...values)` overflow it somewhere past 100,000 elements.

/**
 * Appends every item to `target`. `target.push(...items)` passes each item as an argument and
 * overflows the call stack somewhere past 100,000 of them (an 80,000-job workflow's findings).
 */
export function appendAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}

/** The largest number, 0 for none; `Math.max(...values)` overflows the stack as push(...) does. */
export function maxOf(values: Iterable<number>): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max === -Infinity ? 0 : max;
}
