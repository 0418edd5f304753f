// `uses: tierci/deps-audit@v1`: the dependency audit of the job's workspace, against the
// database of the repository's state directory (or the one the `db` input names).
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../../actions/builtin-types.js";
import { toSarif } from "../sarif.js";
import { TOOL_VERSION } from "../output.js";
import { auditDependencies, parseMaxAge, splitIds, type AuditOptions, type AuditResult } from "./audit.js";
import { formatNote } from "./manifest.js";
import { OsvDatabaseError } from "./osv-db.js";

/**
 * One audit as a step of a job, for every action that audits dependencies: a missing or stale
 * database and every finding fail the step (one `file:line: id: message; fix` line each).
 * `source` says what was read, for the log.
 */
export function auditStep(run: BuiltinRun, options: AuditOptions, source: (result: AuditResult) => string, sarif = ""): void {
  let result: AuditResult;
  try {
    result = auditDependencies(options);
  } catch (err) {
    if (err instanceof OsvDatabaseError) throw new BuiltinFailure(err.message);
    throw err;
  }
  if (sarif !== "") writeFileSync(resolve(run.workspace, sarif), `${JSON.stringify(toSarif(result.report, TOOL_VERSION), null, 2)}\n`);
  for (const note of result.notes) run.log(formatNote(note));
  const findings = result.report.findings;
  run.setOutput("vulnerabilities", String(findings.length));
  run.log(
    `audited ${result.packages} ${source(result)}; ${findings.length} known vulnerabilit${findings.length === 1 ? "y" : "ies"}${result.ignored > 0 ? `, ${result.ignored} ignored` : ""}`,
  );
  if (findings.length > 0) {
    throw new BuiltinFailure(findings.map((f) => `${f.file}${f.line ? `:${f.line}` : ""}: ${f.ruleId}: ${f.message}; ${f.hint}`).join("\n"));
  }
}

export const depsAuditAction: BuiltinAction = {
  name: "tierci/deps-audit",
  inputs: {
    "max-age": { default: "7" },
    ignore: { default: "" },
    sarif: { default: "" },
    db: { default: "" },
  },
  async main(run) {
    const maxAge = parseMaxAge(run.inputs["max-age"] ?? "");
    if (maxAge === undefined) throw new BuiltinFailure(`max-age must be a number of days above 0, got '${run.inputs["max-age"]}'`);
    const db = run.inputs["db"] ?? "";
    const dbDir = db === "" ? join(run.stateDir, "osv") : resolve(run.workspace, db);
    const ignore = splitIds(run.inputs["ignore"] ?? "");
    auditStep(
      run,
      { root: run.workspace, dbDir, maxAgeDays: maxAge, ignore },
      (r) => `pinned package version(s) from ${r.files.length} file(s)`,
      run.inputs["sarif"] ?? "",
    );
  },
};
