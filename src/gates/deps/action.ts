// `uses: tierci/deps-audit@v1`: the dependency audit of the job's workspace, against the
// database of the repository's state directory (or the one the `db` input names).
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BuiltinFailure, type BuiltinAction } from "../../actions/builtin-types.js";
import { toSarif } from "../sarif.js";
import { TOOL_VERSION } from "../output.js";
import { auditDependencies, parseMaxAge, splitIds, type AuditResult } from "./audit.js";
import { formatNote } from "./manifest.js";
import { OsvDatabaseError } from "./osv-db.js";

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
    let result: AuditResult;
    try {
      result = auditDependencies({ root: run.workspace, dbDir, maxAgeDays: maxAge, ignore });
    } catch (err) {
      if (err instanceof OsvDatabaseError) throw new BuiltinFailure(err.message);
      throw err;
    }
    const sarif = run.inputs["sarif"] ?? "";
    if (sarif !== "") writeFileSync(resolve(run.workspace, sarif), `${JSON.stringify(toSarif(result.report, TOOL_VERSION), null, 2)}\n`);
    for (const note of result.notes) run.log(formatNote(note));
    const findings = result.report.findings;
    run.setOutput("vulnerabilities", String(findings.length));
    run.log(`audited ${result.packages} pinned package version(s) from ${result.files.length} file(s); ${findings.length} known vulnerabilit${findings.length === 1 ? "y" : "ies"}${result.ignored > 0 ? `, ${result.ignored} ignored` : ""}`);
    if (findings.length > 0) {
      throw new BuiltinFailure(findings.map((f) => `${f.file}${f.line ? `:${f.line}` : ""}: ${f.ruleId}: ${f.message}; ${f.hint}`).join("\n"));
    }
  },
};
