// What every native gate produces: findings with a rule, a severity and a place, and
// the outputs every gate shares (terminal, JSON, SARIF, exit code).

export type FindingSeverity = "error" | "warning" | "note";

export interface Finding {
  /** Stable rule id, e.g. `aws-access-key`, `PYSEC-2023-12`, `no-timeout`. */
  ruleId: string;
  severity: FindingSeverity;
  message: string;
  /** Repository-relative path with forward slashes, when the finding has a place. */
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endCol?: number;
  /** What to do about it. */
  hint?: string;
  /** Extra machine-readable facts (commit, package, fixed versions, ...). */
  properties?: Record<string, string | number | boolean | string[]>;
}

export interface RuleInfo {
  id: string;
  description: string;
  severity: FindingSeverity;
  helpUri?: string;
}

export interface GateReport {
  /** The gate's name, e.g. `secrets`, `deps-audit`, `workflow-policy`, `policy`, `audit`. */
  gate: string;
  rules: RuleInfo[];
  findings: Finding[];
  /** What the gate could not look at, when something was left out (e.g. unreadable git objects). */
  warnings?: string[];
}

/** Every gate: 0 clean, 1 something found, 2 bad usage (raised elsewhere as a usage error). */
export function gateExitCode(report: GateReport): number {
  return report.findings.length > 0 ? 1 : 0;
}
