import { gateExitCode } from "../../gates/finding.js";
import { AuditUsageError, loadReportSchema, parseSize, ReportSchemaError, runAudit } from "../../gates/audit/index.js";
import { formatFinding, writeGateOutputs } from "../../gates/output.js";
import { style, type Out } from "../output.js";

export interface AuditCliOptions {
  repo: string;
  maxSize: string;
  reportSchema?: string;
  json?: string;
  sarif?: string;
}

export async function auditCommand(out: Out, opts: AuditCliOptions): Promise<number> {
  let report;
  try {
    report = runAudit({ repo: opts.repo, maxSize: parseSize(opts.maxSize), reports: loadReportSchema(opts.repo, opts.reportSchema, process.cwd()) });
  } catch (err) {
    if (!(err instanceof AuditUsageError || err instanceof ReportSchemaError)) throw err;
    out.err(`tierci: audit: ${err.message}`);
    return 2;
  }
  writeGateOutputs(report, { json: opts.json, sarif: opts.sarif });
  const print = opts.json === "-" || opts.sarif === "-" ? out.err : out.log;
  for (const f of report.findings) print(formatFinding(f));
  const files = new Set(report.findings.map((f) => f.file)).size;
  print(report.findings.length === 0 ? `${style.green("ok")}: no audit findings` : `${report.findings.length} audit finding(s) in ${files} file(s)`);
  return gateExitCode(report);
}
