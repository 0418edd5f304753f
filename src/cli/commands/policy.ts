import { join } from "node:path";
import { writeGateOutputs } from "../../gates/output.js";
import {
  DEFAULT_PACK,
  decisionExitCode,
  policyCheck,
  PolicyPackError,
  policyGateReport,
  policyJson,
  type PolicyFinding,
  type PolicyRun,
} from "../../gates/policy/index.js";
import { style, writeJson, type Out } from "../output.js";

export interface PolicyCheckCliOptions {
  repo: string;
  base: string;
  head?: string;
  pack?: string;
  context?: string;
  json?: string;
  sarif?: string;
}

function formatPolicyFinding(f: PolicyFinding): string {
  const where = `${f.file}${f.line !== undefined ? `:${f.line}` : ""}`;
  return `${where}: ${f.level === "BLOCK" ? style.red(f.level) : style.yellow(f.level)}: ${f.message} [${f.ruleId}]${f.hint ? `\n  hint: ${f.hint}` : ""}`;
}

function summary(run: PolicyRun): string {
  const label = run.decision === "ALLOW" ? style.green(run.decision) : run.decision === "BLOCK" ? style.red(run.decision) : style.yellow(run.decision);
  const parts = [`${run.findings.length} finding(s) in ${run.filesChanged} changed file(s)`];
  if (run.highest) parts.push(`highest severity ${run.highest}`);
  if (run.justified.length > 0) parts.push(`justified: ${run.justified.join(", ")}`);
  return `decision: ${label} (${parts.join("; ")})`;
}

export async function policyCheckCommand(out: Out, opts: PolicyCheckCliOptions): Promise<number> {
  let run: PolicyRun;
  try {
    run = policyCheck({
      repo: opts.repo,
      base: opts.base,
      head: opts.head,
      pack: opts.pack ?? join(opts.repo, DEFAULT_PACK),
      context: opts.context,
      eventPath: process.env["GITHUB_EVENT_PATH"],
      cwd: process.cwd(),
    });
  } catch (err) {
    if (!(err instanceof PolicyPackError)) throw err;
    out.err(`tierci: policy check: ${err.message}`);
    return 2;
  }
  if (opts.json !== undefined) writeJson(opts.json, policyJson(run));
  if (opts.sarif !== undefined) writeGateOutputs(policyGateReport(run), { sarif: opts.sarif });
  const print = opts.json === "-" || opts.sarif === "-" ? out.err : out.log;
  for (const f of run.findings) print(formatPolicyFinding(f));
  print(summary(run));
  return decisionExitCode(run.decision);
}
