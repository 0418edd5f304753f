// The outputs every gate command shares: a readable list, `--json FILE`, `--sarif FILE`.
import { writeFileSync } from "node:fs";
import type { GateReport } from "./finding.js";
import { toSarif } from "./sarif.js";

export const TOOL_VERSION = "0.1.0";

export function writeGateOutputs(report: GateReport, opts: { json?: string; sarif?: string }): void {
  const write = (target: string, value: unknown): void => {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    if (target === "-") process.stdout.write(text);
    else writeFileSync(target, text);
  };
  if (opts.json !== undefined)
    write(opts.json, {
      gate: report.gate,
      findings: report.findings,
      count: report.findings.length,
      ...(report.warnings?.length ? { warnings: report.warnings } : {}),
    });
  if (opts.sarif !== undefined) write(opts.sarif, toSarif(report, TOOL_VERSION));
}

export function formatFinding(f: GateReport["findings"][number]): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}${f.col ? `:${f.col}` : ""}` : ""}: ` : "";
  return `${where}${f.severity}: ${f.message} [${f.ruleId}]${f.hint ? `\n  hint: ${f.hint}` : ""}`;
}
