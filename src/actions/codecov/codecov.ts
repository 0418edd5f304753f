// codecov/codecov-action (v3-v5), offline: the coverage reports it would upload are read here and
// recorded with the run (line totals per file, with the upload's flags and name); nothing is sent.
// Files are found as the Codecov CLI finds them: the `files` (or v3's `file`) given, plus a search
// of `directory` unless disable_search. Problems (no report at all, a named file missing, a named
// file unreadable) fail the step with fail_ci_if_error and are warnings without, as the action
// documents; tierci counts a missing or unreadable named file as a problem, where the CLI only
// logs it, because locally that is the only check the upload gets.
import { isInside } from "../../util/path-inside.js";
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../builtin-types.js";
import { CoverageFormatError, parseCoverage } from "./parse.js";
import { searchCoverageFiles } from "./search.js";

function list(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const isTrue = (v: string | undefined): boolean => (v ?? "").trim().toLowerCase() === "true";

async function codecov(run: BuiltinRun): Promise<void> {
  const { inputs } = run;
  const failOnError = isTrue(inputs["fail_ci_if_error"]);
  const verbose = isTrue(inputs["verbose"]);
  const reportType = (inputs["report_type"] ?? "").trim();
  run.log("coverage recorded locally; nothing is uploaded");
  if (reportType && reportType !== "coverage") {
    run.log(`report_type '${reportType}': only coverage reports are recorded; nothing to do`);
    return;
  }
  const cwd = resolve(run.workspace, inputs["working-directory"] ?? "");
  const flags = list(inputs["flags"] ?? "");
  const name = inputs["name"] ?? "";
  const named = [...list(inputs["files"] ?? ""), ...list(inputs["file"] ?? "")].map((f) => resolve(cwd, f));
  const problems: string[] = [];

  const candidates = new Map<string, boolean>(named.map((f) => [f, true]));
  if (!isTrue(inputs["disable_search"])) {
    const root = resolve(cwd, inputs["directory"] ?? "");
    const found = await searchCoverageFiles(root, list(inputs["exclude"] ?? ""));
    if (verbose) run.log(`search of ${root} found ${found.length} file(s)${found.length ? `: ${found.map((f) => show(run, f)).join(", ")}` : ""}`);
    for (const f of found) if (!candidates.has(f)) candidates.set(f, false);
  }

  let recorded = 0;
  for (const [file, explicit] of candidates) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (explicit)
        problems.push(code === "ENOENT" ? `coverage file ${show(run, file)} not found` : `cannot read ${show(run, file)}: ${(err as Error).message}`);
      continue;
    }
    try {
      const totals = parseCoverage(text);
      const lineRate = totals.linesValid > 0 ? totals.linesCovered / totals.linesValid : null;
      run.report({
        kind: "coverage",
        file: show(run, file),
        format: totals.format,
        flags,
        name,
        lineRate,
        linesCovered: totals.linesCovered,
        linesValid: totals.linesValid,
      });
      run.log(
        `${show(run, file)}: ${totals.format}, ${totals.linesCovered}/${totals.linesValid} lines covered${lineRate === null ? "" : ` (${(lineRate * 100).toFixed(2)}%)`}${flags.length ? ` [flags: ${flags.join(", ")}]` : ""}`,
      );
      recorded++;
    } catch (err) {
      if (!(err instanceof CoverageFormatError)) throw err;
      // A searched file may be any of the formats Codecov takes; only named ones must be readable.
      if (explicit) problems.push(`${show(run, file)} is unreadable: ${err.message}`);
      else run.log(`${show(run, file)} skipped: ${err.message}`);
    }
  }
  if (recorded === 0 && problems.length === 0 && !isTrue(inputs["handle_no_reports_found"]))
    problems.push("No coverage reports found. Please make sure you're generating reports successfully.");
  if (problems.length === 0) return;
  if (failOnError) throw new BuiltinFailure(`Codecov: ${problems.join("; ")}`);
  for (const p of problems) run.warning(`Codecov: ${p} (fail_ci_if_error is false, so the step goes on)`);
}

function show(run: BuiltinRun, file: string): string {
  return isInside(run.workspace, file) ? relative(run.workspace, file) : file;
}

// Every input of v3, v4 and v5; those that only steer the upload have no effect here.
const INPUTS = [
  "binary",
  "codecov_yml_path",
  "commit_parent",
  "directory",
  "disable_file_fixes",
  "disable_safe_directory",
  "disable_search",
  "dry_run",
  "env_vars",
  "exclude",
  "fail_ci_if_error",
  "file",
  "files",
  "flags",
  "full_report",
  "functionalities",
  "gcov",
  "gcov_args",
  "gcov_executable",
  "gcov_ignore",
  "gcov_include",
  "git_service",
  "handle_no_reports_found",
  "job_code",
  "move_coverage_to_trash",
  "name",
  "network_filter",
  "network_prefix",
  "os",
  "override_branch",
  "override_build",
  "override_build_url",
  "override_commit",
  "override_pr",
  "override_tag",
  "path_to_write_report",
  "plugin",
  "plugins",
  "recurse_submodules",
  "report_code",
  "report_type",
  "root_dir",
  "run_command",
  "skip_validation",
  "slug",
  "swift",
  "swift_project",
  "token",
  "upstream",
  "url",
  "use_legacy_upload_endpoint",
  "use_oidc",
  "use_pypi",
  "verbose",
  "version",
  "working-directory",
  "xcode",
  "xcode_archive_path",
  "xtra_args",
];

const DEFAULTS: Record<string, string> = { fail_ci_if_error: "false", disable_search: "false", verbose: "false" };

export const codecovAction: BuiltinAction = {
  name: "codecov/codecov-action",
  inputs: Object.fromEntries(INPUTS.map((i) => [i, DEFAULTS[i] === undefined ? {} : { default: DEFAULTS[i] }])),
  main: codecov,
};
