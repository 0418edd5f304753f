// Secrets from --secret K=V and --secret-file F (dotenv lines), and the secrets a
// job of a called workflow receives from its callers (`secrets: inherit` or a mapping).
import { readFileSync } from "node:fs";
import { interpolate } from "../expr/evaluate.js";
import type { PlannedJob } from "../plan/plan-types.js";
import { UsageError } from "./key-values.js";

export function readSecretFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read secret file '${path}': ${(err as Error).message}`);
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new UsageError(`${path}:${i + 1}: expected NAME=VALUE`);
    let value = m[2] ?? "";
    if (/^"(.*)"$/.test(value)) value = JSON.parse(value) as string;
    else if (/^'(.*)'$/.test(value)) value = value.slice(1, -1);
    out[m[1] ?? ""] = value;
  });
  return out;
}

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
