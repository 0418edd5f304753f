// The secrets a job of a called workflow receives from its callers (`secrets: inherit` or a mapping).
import type { PlannedJob } from "./plan-types.js";
import { interpolate } from "../expr/evaluate.js";

/** Follows the calling jobs outermost first: `inherit` passes everything on, a mapping only what it names. */
export function secretsForCallee(callers: PlannedJob[], secrets: Record<string, string>): Record<string, string> {
  let current = secrets;
  for (const caller of callers) {
    const given = caller.job.secrets;
    if (given === "inherit") continue;
    const next: Record<string, string> = {};
    for (const [k, v] of Object.entries(given ?? {})) next[k] = interpolate(v, { secrets: current });
    current = next;
  }
  return current;
}
