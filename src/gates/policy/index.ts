// `tierci policy check` and the tierci/policy-check action: a pack's rules on the lines a
// change adds and removes, with justifications from the pull request or --context.
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { GateReport, RuleInfo } from "../finding.js";
import { changesSince } from "./diff.js";
import { evaluatePack, type PolicyResult } from "./evaluate.js";
import { parsePack, PolicyPackError } from "./pack.js";

export { decisionExitCode, type Decision, type PolicyFinding, type PolicyResult } from "./evaluate.js";
export { PolicyPackError } from "./pack.js";

/** Where a repository keeps its pack when --pack is not given. */
export const DEFAULT_PACK = ".github/tierci-policy.yml";

export interface PolicyCheckOptions {
  repo: string;
  base: string;
  head?: string;
  /** The pack file, absolute or relative to `cwd`. */
  pack: string;
  /** Justification text, or the path of a file holding it. */
  context?: string;
  /** An event payload whose pull request description also counts as context (GITHUB_EVENT_PATH). */
  eventPath?: string;
  cwd: string;
}

export interface PolicyRun extends PolicyResult {
  pack: string;
  rules: RuleInfo[];
  base: string;
  /** The commit the change is measured from (the merge base). */
  from: string;
  /** The head commit, or undefined for the working tree. */
  to: string | undefined;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** The pull request description of an event payload, when it has one. */
function pullRequestBody(eventPath: string | undefined): string {
  if (eventPath === undefined || !isFile(eventPath)) return "";
  try {
    const body = (JSON.parse(readFileSync(eventPath, "utf8")) as { pull_request?: { body?: unknown } }).pull_request?.body;
    return typeof body === "string" ? body : "";
  } catch {
    return "";
  }
}

export function justificationContext(context: string | undefined, cwd: string, eventPath: string | undefined): string {
  const given = context === undefined ? "" : isFile(resolve(cwd, context)) ? readFileSync(resolve(cwd, context), "utf8") : context;
  return [given, pullRequestBody(eventPath)].filter((t) => t !== "").join("\n");
}

export function policyCheck(opts: PolicyCheckOptions): PolicyRun {
  const packPath = resolve(opts.cwd, opts.pack);
  if (!isFile(packPath)) throw new PolicyPackError(`no policy pack at ${packPath}: pass --pack FILE, or add one at ${DEFAULT_PACK}`);
  const pack = parsePack(opts.pack, readFileSync(packPath, "utf8"));
  const change = changesSince(opts.repo, opts.base, opts.head);
  const result = evaluatePack(pack, change.files, justificationContext(opts.context, opts.cwd, opts.eventPath));
  const rules: RuleInfo[] = pack.rules.map((r) => ({ id: r.id, description: r.description, severity: r.severity === "BLOCK" ? "error" : "warning" }));
  return { ...result, pack: opts.pack, rules, base: opts.base, from: change.from, to: change.to };
}

export function policyGateReport(run: PolicyRun): GateReport {
  return { gate: "policy", rules: run.rules, findings: run.findings };
}

/** The JSON report: the shared gate shape plus the decision. */
export function policyJson(run: PolicyRun): object {
  return {
    gate: "policy",
    decision: run.decision,
    highest_severity: run.highest ?? null,
    pack: run.pack,
    base: run.base,
    merge_base: run.from,
    head: run.to ?? "working tree",
    files_changed: run.filesChanged,
    justified: run.justified,
    count: run.findings.length,
    findings: run.findings,
  };
}
