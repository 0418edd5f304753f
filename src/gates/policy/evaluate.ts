// A policy pack against a change: which rules fire, on which lines, which of them a
// justification in the context satisfies, and what that means for the change as a whole.
import { matchesFilters } from "../../glob/filter-pattern.js";
import type { Finding } from "../finding.js";
import type { FileChange } from "../../git/unified-diff.js";
import type { PackRule, PolicyPack, PolicySeverity } from "./pack.js";

export type Decision = "ALLOW" | "REVIEW_REQUIRED" | "BLOCK";

export interface PolicyFinding extends Finding {
  level: PolicySeverity;
}

export interface PolicyResult {
  findings: PolicyFinding[];
  decision: Decision;
  highest: PolicySeverity | undefined;
  /** Rules that fired and were satisfied by a justification in the context. */
  justified: string[];
  filesChanged: number;
}

/** A `Justification:` line with something after it, also as a Markdown list item or in bold. */
const JUSTIFICATION_LINE = /^[ \t>*_-]*justification[*_]*[ \t]*:[*_]*[ \t]*\S/im;

export function isJustified(rule: PackRule, context: string): boolean {
  return (rule.justificationPattern ?? JUSTIFICATION_LINE).test(context);
}

function hint(rule: PackRule): string {
  if (rule.requiresJustification) {
    return rule.justificationPattern
      ? `add text matching /${rule.justificationPattern.source}/ to the pull request description (or pass it with --context)`
      : "add a 'Justification: <why>' line to the pull request description (or pass it with --context)";
  }
  return rule.severity === "BLOCK"
    ? "take this change out, or have the policy's owners change the pack"
    : "a reviewer should look at this change before it is merged";
}

interface Hit {
  file: string;
  line?: number;
  detail: string;
}

function hits(rule: PackRule, files: FileChange[]): Hit[] {
  const out: Hit[] = [];
  for (const f of files) {
    if (rule.added)
      for (const l of f.added)
        if (rule.added.test(l.text)) out.push({ file: f.path, line: l.line, detail: "an added line matches the rule's 'added' pattern" });
    if (rule.removed) {
      for (const l of f.removed)
        if (rule.removed.test(l.text))
          out.push({ file: f.path, line: l.line, detail: `a removed line (${l.line} in the base version) matches the rule's 'removed' pattern` });
    }
  }
  const changed = files.reduce((n, f) => n + f.added.length + f.removed.length, 0);
  const first = files[0];
  if (rule.minChangedLines !== undefined && changed >= rule.minChangedLines && first !== undefined) {
    out.push({
      file: first.path,
      line: first.added[0]?.line,
      detail: `${changed} changed lines in ${files.length} matching file(s), at least ${rule.minChangedLines}`,
    });
  }
  if (rule.added === undefined && rule.removed === undefined && rule.minChangedLines === undefined) {
    for (const f of files) out.push({ file: f.path, line: f.added[0]?.line ?? f.removed[0]?.line, detail: "the change touches this file" });
  }
  return out;
}

export function evaluatePack(pack: PolicyPack, changes: FileChange[], context: string): PolicyResult {
  const findings: PolicyFinding[] = [];
  const justified: string[] = [];
  for (const rule of pack.rules) {
    const found = hits(
      rule,
      changes.filter((f) => matchesFilters(f.path, rule.paths)),
    );
    if (found.length === 0) continue;
    if (rule.requiresJustification && isJustified(rule, context)) {
      justified.push(rule.id);
      continue;
    }
    for (const h of found) {
      findings.push({
        ruleId: rule.id,
        level: rule.severity,
        severity: rule.severity === "BLOCK" ? "error" : "warning",
        message: `${rule.description}: ${h.detail}${rule.requiresJustification ? ", and the change gives no justification" : ""}`,
        file: h.file,
        ...(h.line !== undefined ? { line: h.line } : {}),
        hint: hint(rule),
        properties: { level: rule.severity },
      });
    }
  }
  const highest = findings.some((f) => f.level === "BLOCK") ? "BLOCK" : findings.length > 0 ? "WARN" : undefined;
  const decision: Decision = highest === "BLOCK" ? "BLOCK" : highest === "WARN" ? "REVIEW_REQUIRED" : "ALLOW";
  return { findings, decision, highest, justified, filesChanged: changes.length };
}

/** The exit code of `tierci policy check`: 2 also means bad usage, which says so differently. */
export function decisionExitCode(decision: Decision): number {
  return decision === "ALLOW" ? 0 : decision === "REVIEW_REQUIRED" ? 1 : 2;
}
