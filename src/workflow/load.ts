// Discovers, parses and validates a repository's workflow files and tiers.yml.
import { isInside } from "../util/path-inside.js";
import { appendAll } from "../util/large-arrays.js";
import { existsSync, statSync } from "node:fs";
import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import { join, relative, resolve as resolvePath, sep } from "node:path";
import { buildWorkflow } from "./build-model.js";
import type { Diagnostic, ReportGlobs, Tier, Workflow } from "./model.js";
import { validateNeeds } from "./dag.js";
import { NO_ROOT_JOB, reconcileParserDiagnostics } from "./parser-divergences.js";
import { checkReusableCalls } from "./reusable-check.js";
import { semanticChecks } from "./semantic-checks.js";
import { schemaDiagnostics } from "./schema-check.js";
import { NO_REUSE, type ReusePolicy } from "./reuse-policy.js";
import { DEFAULT_REPORT_GLOBS, readTiers, singleTier } from "./tiers.js";
import { aliasBomb, MAX_EXPANDED_NODES, parseYamlSource, recursiveAliases } from "./yaml-tree.js";

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

function problem(file: string, message: string, hint: string, rule = "load"): Diagnostic {
  return { severity: "error", file, line: 1, col: 1, message, hint, rule };
}

/** Cycles and self-references in `needs:`; unknown jobs are already reported by the parser. */
function needsDiagnostics(workflow: Workflow): Diagnostic[] {
  return validateNeeds(workflow.jobs)
    .filter((e) => e.kind !== "unknown-need")
    .map((e) => {
      const job = workflow.jobs.find((j) => j.id === e.jobId);
      const pos = job?.pos ?? { line: 1, col: 1 };
      return {
        severity: "error",
        file: workflow.path,
        line: pos.line,
        col: pos.col,
        message: e.message,
        hint: "change `needs:` so that no job depends on itself, directly or through others",
        rule: "needs",
      };
    });
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

async function loadFile(root: string, file: string): Promise<{ workflow?: Workflow; diagnostics: Diagnostic[] }> {
  const path = toRepoPath(root, file);
  const outside = await linkOutside(root, file);
  if (outside) return { diagnostics: [outside] };
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    return { diagnostics: [problem(path, `cannot read workflow: ${(err as Error).message}`, "check the file's permissions")] };
  }
  const src = parseYamlSource(path, text);
  const loops = recursiveAliases(src);
  if (loops.length > 0) {
    return {
      diagnostics: loops.map((l) => ({
        severity: "error" as const,
        file: path,
        line: l.pos.line,
        col: l.pos.col,
        message: `recursive alias '*${l.anchor}' refers to a node that contains it`,
        hint: "point the alias at an anchor outside the node that uses it",
        rule: "syntax",
      })),
    };
  }
  const bomb = aliasBomb(src);
  if (bomb) {
    return {
      diagnostics: [
        {
          severity: "error",
          file: path,
          line: bomb.pos.line,
          col: bomb.pos.col,
          message: `the YAML's aliases expand to more than ${MAX_EXPANDED_NODES} nodes${bomb.anchor ? ` (at '*${bomb.anchor}')` : ""}; the file is refused unread, as a document built to exhaust memory would be`,
          hint: "repeat what you need instead of nesting aliases of aliases",
          rule: "syntax",
        },
      ],
    };
  }
  const parserDiagnostics = await schemaDiagnostics(path, text);
  if (src.doc.errors.length > 0 || src.doc.contents === null) {
    if (parserDiagnostics.length === 0) parserDiagnostics.push(problem(path, "the file is empty or not a YAML mapping", "add `on:` and `jobs:`", "syntax"));
    return { diagnostics: parserDiagnostics };
  }
  const workflow = buildWorkflow(src, path);
  const needs = needsDiagnostics(workflow);
  const reconciled = reconcileParserDiagnostics(parserDiagnostics, src, workflow)
    // The parser's "no job without dependencies" is what a cycle looks like to it; ours names the cycle.
    .filter((d) => !(needs.length > 0 && d.message === NO_ROOT_JOB));
  return { workflow, diagnostics: [...reconciled, ...needs, ...semanticChecks(workflow, src)] };
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

  const loaded = await Promise.all(files.map((f) => loadFile(root, f)));
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
    const result = readTiers(parseYamlSource(TIERS_FILE, await readFile(tiersPath, "utf8")), allNames);
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
