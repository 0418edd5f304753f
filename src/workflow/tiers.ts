// Reads and validates .github/tiers.yml against the workflows that exist.
import { isMap, isScalar, isSeq } from "yaml";
import { parseDuration } from "./duration.js";
import { NO_REUSE, type ReuseMode, type ReusePolicy } from "./reuse-policy.js";
import type { Node } from "yaml";
import type { Diagnostic, ReportGlobs, Tier } from "./model.js";
import { DEFAULT_REPORT_GLOBS, UNLISTED_TIER } from "./tier-defaults.js";
import { entries, get, items, posOf, resolve, scalarText, toStringList, toValue, type YamlSource } from "./yaml-tree.js";

const TIER_KEYS = new Set(["name", "budget", "workflows", "reports"]);
const REPORT_KINDS = ["junit", "coverage", "sarif"] as const;

export interface TiersResult {
  tiers: Tier[];
  /** Top-level `reports:`, or the defaults. */
  reports: ReportGlobs;
  /** Top-level `reuse:`; nothing reuses without it. */
  reuse: ReusePolicy;
  diagnostics: Diagnostic[];
}

export function readTiers(src: YamlSource, workflowFiles: string[]): TiersResult {
  const diagnostics: Diagnostic[] = [];
  const error = (node: unknown, message: string, hint: string): void => {
    const p = posOf(src, node);
    diagnostics.push({ severity: "error", file: src.file, line: p.line, col: p.col, message, hint, rule: "tiers" });
  };
  const readReports = (node: Node | undefined, base: ReportGlobs): ReportGlobs => {
    const out: ReportGlobs = { ...base };
    const n = resolve(src, node);
    if (!isMap(n)) {
      error(
        n,
        "`reports:` must be a mapping of junit, coverage and sarif to lists of globs",
        "write `reports: {junit: ['**/junit.xml'], coverage: ['coverage.xml']}`",
      );
      return out;
    }
    for (const e of entries(src, n)) {
      const kind = REPORT_KINDS.find((k) => k === e.key);
      if (!kind) error(e.keyNode, `unknown report kind '${e.key}'`, "use junit, coverage or sarif");
      else out[kind] = toStringList(src, e.value);
    }
    return out;
  };
  for (const e of src.doc.errors) {
    const p = e.linePos?.[0];
    diagnostics.push({
      severity: "error",
      file: src.file,
      line: p?.line ?? 1,
      col: p?.col ?? 1,
      message: e.message,
      hint: "fix the YAML syntax",
      rule: "syntax",
    });
  }
  if (src.doc.errors.length > 0) return { tiers: [], reports: DEFAULT_REPORT_GLOBS, reuse: NO_REUSE, diagnostics };

  const root = resolve(src, src.doc.contents);
  const list = get(src, root, "tiers");
  if (!isMap(root) || !isSeq(resolve(src, list))) {
    error(root, "tiers.yml must be a mapping with a `tiers:` list", "write `tiers: [{name: fast, budget: 5m, workflows: [lint.yml]}]`");
    return { tiers: [], reports: DEFAULT_REPORT_GLOBS, reuse: NO_REUSE, diagnostics };
  }
  for (const e of entries(src, root)) {
    if (e.key !== "tiers" && e.key !== "reports" && e.key !== "reuse")
      error(e.keyNode, `unknown key '${e.key}' in tiers.yml`, "the top-level keys are `tiers`, `reports` and `reuse`");
  }
  const reportsNode = get(src, root, "reports");
  const reports = reportsNode === undefined ? DEFAULT_REPORT_GLOBS : readReports(reportsNode, DEFAULT_REPORT_GLOBS);

  const reuseNode = get(src, root, "reuse");
  const reuse = reuseNode === undefined ? NO_REUSE : readReusePolicy(src, reuseNode, workflowFiles, error);
  const known = new Set(workflowFiles);
  const owner = new Map<string, string>();
  const names = new Set<string>();
  const tiers: Tier[] = [];
  for (const node of items(src, list)) {
    if (!isMap(node)) {
      error(node, "each tier must be a mapping with name, budget and workflows", "write `- {name: fast, budget: 5m, workflows: [lint.yml]}`");
      continue;
    }
    for (const e of entries(src, node)) {
      if (!TIER_KEYS.has(e.key)) error(e.keyNode, `unknown key '${e.key}' in a tier`, "a tier has `name`, `budget`, `workflows` and `reports`");
    }
    const nameNode = get(src, node, "name");
    const name = nameNode === undefined ? "" : scalarText(toValue(src, nameNode)).trim();
    if (!name) {
      error(node, "a tier has no name", "add `name: <tier name>`");
      continue;
    }
    if (names.has(name)) error(nameNode, `tier '${name}' is defined twice`, "give each tier a distinct name");
    names.add(name);

    const tier: Tier = { name, workflows: [], pos: posOf(src, node) };
    const tierReports = get(src, node, "reports");
    if (tierReports !== undefined) tier.reports = readReports(tierReports, reports);
    const budgetNode = get(src, node, "budget");
    if (budgetNode !== undefined) {
      const text = scalarText(toValue(src, budgetNode));
      const ms = parseDuration(text);
      if (ms === undefined || ms <= 0) {
        error(budgetNode, `invalid budget '${text}' for tier '${name}'`, "write a duration with a unit, e.g. 5m, 90s or 1h30m");
      } else tier.budgetMs = ms;
    }
    const wfNode = resolve(src, get(src, node, "workflows"));
    if (wfNode === undefined || !(isSeq(wfNode) || isScalar(wfNode))) {
      error(node, `tier '${name}' has no workflows list`, "add `workflows: [file.yml, ...]` naming files in .github/workflows");
    }
    const wfItems = isSeq(wfNode) ? items(src, wfNode) : wfNode ? [wfNode] : [];
    for (const item of wfItems) {
      const file = scalarText(toValue(src, item)).replace(/^\.github\/workflows\//, "");
      if (!known.has(file)) {
        const list = workflowFiles.length ? workflowFiles.join(", ") : "none";
        error(item, `tier '${name}' names unknown workflow '${file}'`, `use a file name from .github/workflows (found: ${list})`);
        continue;
      }
      const previous = owner.get(file);
      if (previous !== undefined) {
        error(item, `workflow '${file}' is in tier '${previous}' and in tier '${name}'`, "list each workflow in one tier only");
        continue;
      }
      owner.set(file, name);
      tier.workflows.push(file);
    }
    tiers.push(tier);
  }
  const unlisted = workflowFiles.filter((f) => !owner.has(f));
  if (unlisted.length > 0) tiers.push({ name: UNLISTED_TIER, workflows: unlisted });
  return { tiers, reports, reuse, diagnostics };
}

const HINT = "write `reuse: exact`, or `reuse: {ci.yml: exact}`, or `reuse: {ci.yml: {test: exact}}`; modes are exact and off";

function mode(text: string): ReuseMode | undefined {
  return text === "exact" || text === "off" ? text : undefined;
}

/** Reads `reuse:`; `error` reports a problem at a node. Workflow names must be among `workflowFiles`. */
export function readReusePolicy(
  src: YamlSource,
  node: Node | undefined,
  workflowFiles: readonly string[],
  error: (node: unknown, message: string, hint: string) => void,
): ReusePolicy {
  const n = resolve(src, node);
  if (isScalar(n)) {
    const m = mode(scalarText(toValue(src, n)));
    if (m === undefined) error(n, `unknown reuse mode '${scalarText(toValue(src, n))}'`, HINT);
    return { all: m ?? "off", workflows: {} };
  }
  if (!isMap(n)) {
    error(n, "`reuse:` must be a mode or a mapping of workflow files", HINT);
    return NO_REUSE;
  }
  const known = new Set(workflowFiles);
  const workflows: ReusePolicy["workflows"] = {};
  for (const e of entries(src, n)) {
    const file = e.key.replace(/^\.github\/workflows\//, "");
    if (!known.has(file)) {
      error(e.keyNode, `reuse names unknown workflow '${file}'`, `use a file name from .github/workflows (found: ${workflowFiles.join(", ") || "none"})`);
      continue;
    }
    const value = resolve(src, e.value);
    if (isMap(value)) {
      const jobs: Record<string, ReuseMode> = {};
      for (const j of entries(src, value)) {
        const m = mode(scalarText(toValue(src, j.value)));
        if (m === undefined) error(j.value, `unknown reuse mode for job '${j.key}' of ${file}`, HINT);
        else jobs[j.key] = m;
      }
      workflows[file] = jobs;
      continue;
    }
    const m = mode(scalarText(toValue(src, value)));
    if (m === undefined) error(value, `unknown reuse mode for ${file}`, HINT);
    else workflows[file] = m;
  }
  return { all: "off", workflows };
}
