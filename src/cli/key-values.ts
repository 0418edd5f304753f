/** Collects repeated `K=V` options into a record; commander calls this once per occurrence. */
export function collectKeyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new UsageError(`expected NAME=VALUE, got '${value}'`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** Bad command-line usage: exit code 2, message without a stack trace. */
export class UsageError extends Error {}
