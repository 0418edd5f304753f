/**
 * Appends every item to `target`. `target.push(...items)` passes each item as an argument and
 * overflows the call stack somewhere past 100,000 of them (an 80,000-job workflow's findings).
 */
export function appendAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}
