// Known findings accepted on purpose: the JSON of an earlier `--json` scan. A finding is
// known when its rule, file and secret hash match one there; lines and commits may differ,
// so that an edit above it or a rewritten history does not bring it back.
import { readFileSync } from "node:fs";
import type { Finding, GateReport } from "../finding.js";
import { secretHash } from "./redact.js";

export class BaselineError extends Error {}

function key(ruleId: string, file: string, hash: string): string {
  return `${ruleId}\0${file}\0${hash}`;
}

export function findingKey(f: Finding): string {
  return key(f.ruleId, f.file ?? "", String(f.properties?.["secretSha256"] ?? ""));
}

/**
 * Reads a baseline: tierci's `--json` output, or a gitleaks JSON report (its RuleID, File and
 * Secret; the secret is hashed at once and not kept).
 */
export function readBaseline(file: string): Set<string> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new BaselineError(`cannot read the baseline ${file}: ${(err as Error).message}`);
  }
  const entries = Array.isArray(doc) ? doc : (doc as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(entries))
    throw new BaselineError(`${file} is not a baseline: expected the JSON of 'tierci secrets scan --json' (an object with findings)`);
  const keys = new Set<string>();
  for (const e of entries as Record<string, unknown>[]) {
    if (typeof e?.["ruleId"] === "string") {
      keys.add(findingKey(e as unknown as Finding));
    } else if (typeof e?.["RuleID"] === "string" && typeof e["Secret"] === "string") {
      keys.add(key(e["RuleID"], String(e["File"] ?? ""), secretHash(e["Secret"])));
    } else {
      throw new BaselineError(`${file}: an entry has neither ruleId nor RuleID`);
    }
  }
  return keys;
}

/** The report without the findings the baseline knows, and how many those were. */
export function applyBaseline(report: GateReport, known: Set<string>): { report: GateReport; suppressed: number } {
  const findings = report.findings.filter((f) => !known.has(findingKey(f)));
  return { report: { ...report, findings }, suppressed: report.findings.length - findings.length };
}
