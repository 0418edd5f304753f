// The secret scanner as built-in actions: tierci's own `tierci/secret-scan`, and the
// TruffleHog and gitleaks actions that workflows already use, mapped onto the same scan.
import { isInside } from "../../util/path-inside.js";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../../actions/builtin-types.js";
import { GitError } from "../../git/git.js";
import type { Finding } from "../finding.js";
import { writeGateOutputs } from "../output.js";
import { applyBaseline, BaselineError, readBaseline } from "./baseline.js";
import { loadConfigFile, loadRuleset } from "./config.js";
import { DEFAULT_REVEAL } from "./redact.js";
import { compileAllowlist, SecretsConfigError, type Ruleset } from "./rules.js";
import { ScanInputError, scanSecrets, type ScanMode } from "./scan.js";
import { isShallow, workTreeRoot } from "./sources.js";

interface ActionScan {
  /** Relative to the workspace. */
  path: string;
  mode: ScanMode;
  revisions?: string[];
  /** Relative to the workspace; undefined: the scanned repository's .gitleaks.toml, else the built-in rules. */
  config?: string;
  baseline?: string;
  sarif?: string;
  json?: string;
  reveal?: number;
  /** Path regexes whose files are not scanned. */
  excludePaths?: string[];
}

/** At most this many findings are named in the step's error annotation; the log has them all. */
const NAMED_IN_FAILURE = 10;

function inWorkspace(run: BuiltinRun, path: string, what: string): string {
  const full = resolve(run.workspace, path);
  if (!isInside(run.workspace, full)) throw new BuiltinFailure(`${what} '${path}' is outside the workspace ${run.workspace}`);
  return full;
}

/**
 * The directory to scan. A history or index scan of a workspace without git metadata (no
 * checkout step) reads the repository the run started from, which holds the same commits.
 */
function scanDirectory(run: BuiltinRun, scan: ActionScan): string {
  const dir = inWorkspace(run, scan.path, "path");
  if (scan.mode === "working-tree" || workTreeRoot(dir) !== undefined) {
    if (scan.mode === "history" && isShallow(dir))
      run.log("The workspace is a shallow clone: only its fetched commits are scanned (use fetch-depth: 0 on actions/checkout for the full history)");
    return dir;
  }
  run.log(`The workspace has no git history (no actions/checkout step before this one): scanning the history of ${run.repoRoot}`);
  return run.repoRoot;
}

function describe(f: Finding): string {
  const commit = f.properties?.["commit"];
  const where = `${f.file ?? ""}${f.line ? `:${f.line}${f.col ? `:${f.col}` : ""}` : ""}`;
  return `${where}: ${f.message} [${f.ruleId}]${typeof commit === "string" ? ` in commit ${commit.slice(0, 12)}` : ""}`;
}

function rulesFor(run: BuiltinRun, scan: ActionScan, dir: string): Ruleset {
  const { ruleset } = scan.config ? { ruleset: loadConfigFile(inWorkspace(run, scan.config, "config")) } : loadRuleset(undefined, dir);
  if (!scan.excludePaths?.length) return ruleset;
  return { ...ruleset, allowlists: [...ruleset.allowlists, compileAllowlist({ paths: scan.excludePaths }, "excluded paths")] };
}

async function runScan(run: BuiltinRun, scan: ActionScan): Promise<void> {
  try {
    const dir = scanDirectory(run, scan);
    const ruleset = rulesFor(run, scan, dir);
    const known = scan.baseline ? readBaseline(inWorkspace(run, scan.baseline, "baseline")) : undefined;
    const { report: full, stats } = await scanSecrets({
      dir,
      mode: scan.mode,
      ruleset,
      reveal: scan.reveal ?? DEFAULT_REVEAL,
      signal: run.signal,
      ...(scan.revisions ? { revisions: scan.revisions } : {}),
    });
    const { report, suppressed } = known ? applyBaseline(full, known) : { report: full, suppressed: 0 };
    const sarif = scan.sarif ? inWorkspace(run, scan.sarif, "sarif") : undefined;
    writeGateOutputs(report, { json: scan.json ? inWorkspace(run, scan.json, "json") : undefined, sarif });
    if (sarif) run.setOutput("sarif", sarif);
    run.setOutput("findings", String(report.findings.length));
    const scanned = scan.mode === "history" ? `${stats.commits} commit(s)` : `${stats.files} file(s)`;
    run.log(
      `Scanned ${scanned} (${scan.mode}) in ${(stats.durationMs / 1000).toFixed(1)}s${suppressed > 0 ? `; ${suppressed} finding(s) accepted by the baseline` : ""}`,
    );
    for (const f of report.findings) run.log(describe(f));
    if (report.findings.length > 0) {
      const named = report.findings.slice(0, NAMED_IN_FAILURE).map((f) => `${f.file ?? ""}${f.line ? `:${f.line}` : ""} (${f.ruleId})`);
      const more = report.findings.length > NAMED_IN_FAILURE ? ` and ${report.findings.length - NAMED_IN_FAILURE} more` : "";
      throw new BuiltinFailure(`${report.findings.length} secret(s) found: ${named.join(", ")}${more}`);
    }
  } catch (err) {
    if (err instanceof SecretsConfigError || err instanceof BaselineError || err instanceof ScanInputError) throw new BuiltinFailure(err.message);
    // A git command that fails is the step's problem to report, with what to do, never an internal error.
    if (err instanceof GitError)
      throw new BuiltinFailure(
        `${err.message}; check that the checkout has the commits and branches the scan names (actions/checkout with fetch-depth: 0 gives every branch and tag)`,
      );
    throw err;
  }
}

const MODES: readonly ScanMode[] = ["working-tree", "history", "staged"];

export const secretScanAction: BuiltinAction = {
  name: "tierci/secret-scan",
  inputs: {
    mode: { default: "history" },
    path: { default: "." },
    config: { default: "" },
    baseline: { default: "" },
    sarif: { default: "" },
    json: { default: "" },
    redact: { default: String(DEFAULT_REVEAL) },
  },
  async main(run) {
    const mode = (run.inputs["mode"] ?? "history") as ScanMode;
    if (!MODES.includes(mode)) throw new BuiltinFailure(`mode must be one of ${MODES.join(", ")}, got '${mode}'`);
    const redact = run.inputs["redact"] ?? "";
    if (!/^\d+$/.test(redact)) throw new BuiltinFailure(`redact must be a number of characters, got '${redact}'`);
    await runScan(run, {
      path: run.inputs["path"] || ".",
      mode,
      reveal: Number(redact),
      ...(run.inputs["config"] ? { config: run.inputs["config"] } : {}),
      ...(run.inputs["baseline"] ? { baseline: run.inputs["baseline"] } : {}),
      ...(run.inputs["sarif"] ? { sarif: run.inputs["sarif"] } : {}),
      ...(run.inputs["json"] ? { json: run.inputs["json"] } : {}),
    });
  },
};

/** The flags of `trufflehog git` that change what is scanned; the rest cannot apply here. */
export function parseTrufflehogArgs(extra: string): { sinceCommit?: string; branch?: string; excludePathsFile?: string; ignored: string[] } {
  const words = extra.split(/\s+/).filter(Boolean);
  const out: { sinceCommit?: string; branch?: string; excludePathsFile?: string; ignored: string[] } = { ignored: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const [flag, inline] = word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [word, undefined];
    const value = (): string => inline ?? words[++i] ?? "";
    if (flag === "--since-commit") out.sinceCommit = value();
    else if (flag === "--branch") out.branch = value();
    else if (flag === "-x" || flag === "--exclude-paths") out.excludePathsFile = value();
    else out.ignored.push(word);
  }
  return out;
}

/**
 * A branch named as `base` or `head` exists after actions/checkout as the remote-tracking
 * origin/<name> only (the job is on a detached or other branch), which is how TruffleHog's
 * action finds it too; a name git resolves as it is stays as it is.
 */
export function resolveBranch(dir: string, name: string): string {
  if (!name || name.includes("..")) return name;
  const resolves = (rev: string): boolean =>
    spawnSync("git", ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { cwd: dir, stdio: "ignore" }).status === 0;
  if (resolves(name)) return name;
  const remote = `refs/remotes/origin/${name.replace(/^refs\/heads\//, "")}`;
  return resolves(remote) ? remote : name;
}

/** trufflehog's base/head: the commits after `base` up to `head`; one commit when they are equal; all refs without either. */
export function trufflehogRevisions(base: string, head: string): string[] {
  if (base && head && base === head) return [`${head}^!`];
  if (base) return [`${base}..${head || "HEAD"}`];
  if (head) return [head];
  return ["--all"];
}

export const trufflehogAction: BuiltinAction = {
  name: "trufflesecurity/trufflehog",
  inputs: {
    path: { default: "./" },
    base: { default: "" },
    head: { default: "" },
    extra_args: { default: "" },
    version: { default: "latest" },
  },
  async main(run) {
    const args = parseTrufflehogArgs(run.inputs["extra_args"] ?? "");
    run.log("TruffleHog runs as tierci's built-in secret scanner: its own rules, offline, so findings are not verified with the providers");
    if (args.ignored.length > 0) run.log(`Ignoring TruffleHog options that do not apply here: ${args.ignored.join(" ")}`);
    let excludePaths: string[] | undefined;
    if (args.excludePathsFile) {
      try {
        excludePaths = readFileSync(inWorkspace(run, args.excludePathsFile, "--exclude-paths"), "utf8")
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean);
      } catch (err) {
        throw new BuiltinFailure(`cannot read --exclude-paths file ${args.excludePathsFile}: ${(err as Error).message}`);
      }
    }
    const scanRoot = resolve(run.workspace, run.inputs["path"] || ".");
    await runScan(run, {
      path: run.inputs["path"] || ".",
      mode: "history",
      revisions: trufflehogRevisions(
        resolveBranch(scanRoot, args.sinceCommit ?? run.inputs["base"] ?? ""),
        resolveBranch(scanRoot, args.branch ?? run.inputs["head"] ?? ""),
      ),
      ...(excludePaths ? { excludePaths } : {}),
    });
  },
};

export const gitleaksAction: BuiltinAction = {
  name: "gitleaks/gitleaks-action",
  inputs: {
    "config-path": { default: "" },
  },
  async main(run) {
    run.log("gitleaks runs as tierci's built-in secret scanner over the full history, with the repository's .gitleaks.toml or GITLEAKS_CONFIG when present");
    const config = run.env["GITLEAKS_CONFIG"] || run.inputs["config-path"] || undefined;
    await runScan(run, { path: ".", mode: "history", sarif: "results.sarif", ...(config ? { config } : {}) });
  },
};
