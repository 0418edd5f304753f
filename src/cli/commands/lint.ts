import { appendAll } from "../../util/large-arrays.js";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Finding, GateReport, RuleInfo } from "../../gates/finding.js";
import { formatFinding, writeGateOutputs } from "../../gates/output.js";
import { projectFiles } from "../../gates/policy/git.js";
import { POLICY_RULES, PROMOTED_VALIDATION_RULES, workflowPolicy } from "../../gates/workflow-policy/index.js";
import { loadRepository } from "../../workflow/load.js";
import type { Diagnostic } from "../../workflow/model.js";
import { writeJson, style, type Out } from "../output.js";
import type { CommonOptions } from "../prepare.js";
import { hasErrors, renderDiagnostics } from "../render-diagnostics.js";

export interface LintOptions extends CommonOptions {
  json?: string;
  sarif?: string;
  strict?: boolean;
}

/** Validation warnings that the policy rules report as findings of their own, so they are shown once. */
function promoted(d: Diagnostic): boolean {
  return d.severity === "warning" && PROMOTED_VALIDATION_RULES.includes(d.rule);
}

/** Validation problems and policy findings in one SARIF log, so code scanning shows both. */
function sarifReport(diagnostics: Diagnostic[], findings: Finding[]): GateReport {
  const validation: Finding[] = diagnostics.map((d) => ({
    ruleId: d.rule,
    severity: d.severity,
    message: d.message,
    file: d.file,
    line: d.line,
    col: d.col,
    hint: d.hint,
  }));
  const validationRules: RuleInfo[] = [...new Set(diagnostics.map((d) => d.rule))].map((id) => ({
    id,
    description: `workflow validation: ${id}`,
    severity: "error",
  }));
  return { gate: "workflow-policy", rules: [...POLICY_RULES, ...validationRules], findings: [...validation, ...findings] };
}

export async function lintCommand(out: Out, opts: LintOptions): Promise<number> {
  const repo = await loadRepository(opts.repo, { workflows: opts.workflows });
  const diagnostics = repo.diagnostics.filter((d) => !promoted(d));
  const files = repo.workflows.length > 0 ? projectFiles(repo.root) : undefined;
  const findings: Finding[] = [];
  for (const w of repo.workflows) {
    const text = await readFile(join(repo.root, w.path), "utf8");
    appendAll(findings, workflowPolicy(w.path, text, { files, strict: opts.strict }));
  }
  if (opts.json !== undefined) {
    writeJson(opts.json, {
      files: repo.byPath.size + (repo.tiersFile ? 1 : 0),
      diagnostics: diagnostics.map((d) => ({ ...d })),
      findings,
    });
  }
  if (opts.sarif !== undefined) writeGateOutputs(sarifReport(diagnostics, findings), { sarif: opts.sarif });
  renderDiagnostics(out, diagnostics);
  for (const f of findings) out.err(formatFinding(f));
  const invalid = hasErrors(diagnostics);
  if (findings.length > 0) {
    out.err(
      `${findings.length} policy finding(s) in ${new Set(findings.map((f) => f.file)).size} file(s); silence one with a '# tierci: ignore[rule-id]' comment on its line`,
    );
  } else if (!invalid && opts.json !== "-" && opts.sarif !== "-") {
    out.log(
      `${style.green("ok")}: ${repo.byPath.size} workflow file(s)${repo.tiersFile ? ` and ${repo.tiersFile}` : ""} are valid and meet the workflow policy`,
    );
  }
  if (invalid) return 2;
  return findings.length > 0 ? 1 : 0;
}
