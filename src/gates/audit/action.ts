// tierci/audit@v1: the repository audit as a workflow step, failing it on any finding.
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../../actions/builtin-types.js";
import { GitError } from "../../git/git.js";
import { formatFinding } from "../output.js";
import { AuditUsageError, loadReportSchema, parseSize, ReportSchemaError, runAudit } from "./index.js";

async function main(run: BuiltinRun): Promise<void> {
  let report;
  try {
    report = runAudit({
      repo: run.workspace,
      maxSize: parseSize(run.inputs["max-size"] || "5MB"),
      reports: loadReportSchema(run.workspace, run.inputs["report-schema"] || undefined, run.workspace),
    });
  } catch (err) {
    if (err instanceof AuditUsageError || err instanceof ReportSchemaError || err instanceof GitError) throw new BuiltinFailure(err.message);
    throw err;
  }
  for (const f of report.findings) run.log(formatFinding(f));
  run.setOutput("findings", String(report.findings.length));
  if (report.findings.length > 0) {
    const files = new Set(report.findings.map((f) => f.file)).size;
    throw new BuiltinFailure(`audit: ${report.findings.length} finding(s) in ${files} file(s); the step's log lists them`);
  }
  run.log("audit: no findings");
}

export const auditAction: BuiltinAction = {
  name: "tierci/audit",
  inputs: { "max-size": { default: "5MB" }, "report-schema": { default: "" } },
  main,
};
