// Discovers, parses and validates a repository's workflow files and tiers.yml.
import { isInside } from "../util/path-inside.js";
import { appendAll } from "../util/large-arrays.js";
import { existsSync, statSync } from "node:fs";
import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import { join, relative, resolve as resolvePath, sep } from "node:path";
import type { FileAnalysis } from "./analyze-file.js";
import { problem } from "./diagnostic.js";
import { LoadCache } from "./load-cache.js";
import type { Diagnostic, ReportGlobs, Tier, Workflow } from "./model.js";
import { checkReusableCalls } from "./reusable-check.js";
import { DEFAULT_REPORT_GLOBS, singleTier } from "./tier-defaults.js";
import type { TiersResult } from "./tiers.js";
import { NO_REUSE, type ReusePolicy } from "./reuse-policy.js";

export const WORKFLOWS_DIR = ".github/workflows";
export const TIERS_FILE = ".github/tiers.yml";

export interface Repository {
  root: string;
  /** The workflows selected to run (all of .github/workflows unless -W narrows it). */
  workflows: Workflow[];
  /** Every workflow that parsed, by repository-relative path, for `uses: ./...` lookups. */
  byPath: ReadonlyMap<string, Workflow>;
  tiers: Tier[];
  /** Report globs for jobs of tiers that set none. */
  reports: ReportGlobs;
  /** Which jobs may reuse an identical earlier success (tiers.yml `reuse:`). */
  reuse: ReusePolicy;
  tiersFile?: string;
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** `-W`: a workflow file or a directory of them, relative to the repository. */
  workflows?: string;
  /** tierci's state directory, where what each file says is kept for the next load; nothing is kept without it. */
  stateDir?: string;
}

function toRepoPath(root: string, file: string): string {
  return relative(root, file).split(sep).join("/");
}

async function listYaml(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const names = await readdir(dir);
  return names
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * A problem when `file` is a symbolic link that leads out of the repository: such a file is
 * never read, so a hostile checkout cannot make lint print, say, an SSH key.
 */
async function linkOutside(root: string, file: string): Promise<Diagnostic | undefined> {
  try {
    if (!(await lstat(file)).isSymbolicLink()) return undefined;
    const target = await realpath(file);
    if (isInside(await realpath(root), target)) return undefined;
  } catch {
    // A dangling link: reading it fails below with its own message.
    return undefined;
  }
  return problem(
    toRepoPath(root, file),
    "the file is a symbolic link to a file outside the repository; it was not read",
    "replace the link with the workflow itself, or a link to a file inside the repository",
  );
}

async function loadFile(root: string, file: string, cache: LoadCache | undefined): Promise<FileAnalysis> {
  const path = toRepoPath(root, file);
  const outside = await linkOutside(root, file);
  if (outside) return { diagnostics: [outside] };
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    return { diagnostics: [problem(path, `cannot read workflow: ${(err as Error).message}`, "check the file's permissions")] };
  }
  const kept = cache?.workflow(path, text);
  if (kept) return kept;
  const { analyzeWorkflowFile } = await import("./analyze-file.js");
  const analysis = await analyzeWorkflowFile(path, text);
  cache?.keepWorkflow(path, text, analysis);
  return analysis;
}

async function loadTiers(path: string, text: string, names: string[], cache: LoadCache | undefined): Promise<TiersResult> {
  const kept = cache?.tiers(path, text, names);
  if (kept) return kept;
  const { analyzeTiersFile } = await import("./analyze-file.js");
  const result = analyzeTiersFile(path, text, names);
  cache?.keepTiers(path, text, names, result);
  return result;
}

export async function loadRepository(rootDir: string, options: LoadOptions = {}): Promise<Repository> {
  const root = resolvePath(rootDir);
  const diagnostics: Diagnostic[] = [];
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    return {
      root,
      workflows: [],
      byPath: new Map(),
      tiers: [],
      reports: DEFAULT_REPORT_GLOBS,
      reuse: NO_REUSE,
      diagnostics: [problem(rootDir, `repository directory '${rootDir}' does not exist`, "pass an existing directory with --repo")],
    };
  }

  const all = await listYaml(join(root, WORKFLOWS_DIR));
  let selected = all;
  if (options.workflows !== undefined) {
    const target = resolvePath(root, options.workflows);
    if (!existsSync(target)) {
      diagnostics.push(problem(options.workflows, `workflow path '${options.workflows}' does not exist`, "pass a workflow file or directory with -W"));
      selected = [];
    } else selected = statSync(target).isDirectory() ? await listYaml(target) : [target];
  }
  const files = [...new Set([...all, ...selected])];
  if (files.length === 0 && diagnostics.length === 0) {
    diagnostics.push(problem(WORKFLOWS_DIR, `no workflow files in ${join(root, WORKFLOWS_DIR)}`, "add a workflow there, run `tierci init`, or pass -W PATH"));
  }

  const cache = options.stateDir === undefined ? undefined : LoadCache.open(options.stateDir);
  const loaded = await Promise.all(files.map((f) => loadFile(root, f, cache)));
  const byPath = new Map<string, Workflow>();
  for (const l of loaded) {
    appendAll(diagnostics, l.diagnostics);
    if (l.workflow) byPath.set(l.workflow.path, l.workflow);
  }
  const selectedPaths = new Set(selected.map((f) => toRepoPath(root, f)));
  const workflows = [...byPath.values()].filter((w) => selectedPaths.has(w.path));
  for (const w of workflows) appendAll(diagnostics, checkReusableCalls(w, byPath));

  const fileNames = workflows.map((w) => w.fileName);
  let tiers = singleTier(fileNames);
  let tiersFile: string | undefined;
  let reports = DEFAULT_REPORT_GLOBS;
  let reuse = NO_REUSE;
  const tiersPath = join(root, TIERS_FILE);
  const tiersOutside = existsSync(tiersPath) ? await linkOutside(root, tiersPath) : undefined;
  if (tiersOutside) diagnostics.push(tiersOutside);
  else if (existsSync(tiersPath)) {
    tiersFile = TIERS_FILE;
    const allNames = [...byPath.values()].map((w) => w.fileName);
    const result = await loadTiers(TIERS_FILE, await readFile(tiersPath, "utf8"), allNames, cache);
    appendAll(diagnostics, result.diagnostics);
    reports = result.reports;
    reuse = result.reuse;
    const chosen = new Set(fileNames);
    tiers = result.tiers
      .map((t) => ({ ...t, workflows: t.workflows.filter((w) => chosen.has(w)) }))
      .filter((t) => t.workflows.length > 0 || options.workflows === undefined);
  }
  diagnostics.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  return { root, workflows, byPath, tiers, reports, reuse, tiersFile, diagnostics };
}
