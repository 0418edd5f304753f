// A workflow's or a job's `concurrency:` evaluated and taken through the run's gate. Without a
// gate, or without a `concurrency:`, the entry is granted at once.
import { asBoolean, evaluateField } from "../expr/coerce.js";
import { interpolate } from "../expr/evaluate.js";
import type { ExprContexts } from "../expr/value.js";
import type { Concurrency } from "../workflow/model.js";
import type { ConcurrencyGate } from "./concurrency.js";

export type GroupEntry = { kind: "granted"; release: () => void } | { kind: "cancelled" | "failed"; reason: string };

const FREE: GroupEntry = { kind: "granted", release: () => {} };

export async function enterGroup(
  gate: ConcurrencyGate | undefined,
  concurrency: Concurrency | undefined,
  contexts: ExprContexts,
  signal: AbortSignal,
  onPreempt: (reason: string) => void,
): Promise<GroupEntry> {
  if (!gate || !concurrency) return FREE;
  let group: string;
  let cancelInProgress: boolean;
  try {
    group = interpolate(concurrency.group, contexts).trim();
    cancelInProgress = asBoolean(evaluateField(concurrency.cancelInProgress, contexts), "concurrency.cancel-in-progress", false);
  } catch (err) {
    return { kind: "failed", reason: `concurrency: ${(err as Error).message}` };
  }
  // GitHub takes an empty group as no group at all.
  if (group === "") return FREE;
  const entry = await gate.enter({ group, cancelInProgress, signal, onPreempt });
  return entry.kind === "granted" ? entry : { kind: "cancelled", reason: entry.reason };
}
