// Reads and validates .github/tiers.yml against the workflows that exist.
import { isMap, isScalar, isSeq } from "yaml";
import { parseDuration } from "./duration.js";
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
  if (src.doc.errors.length > 0) return { tiers: [], reports: DEFAULT_REPORT_GLOBS, diagnostics };

  const root = resolve(src, src.doc.contents);
  const list = get(src, root, "tiers");
  if (!isMap(root) || !isSeq(resolve(src, list))) {
    error(root, "tiers.yml must be a mapping with a `tiers:` list", "write `tiers: [{name: fast, budget: 5m, workflows: [lint.yml]}]`");
    return { tiers: [], reports: DEFAULT_REPORT_GLOBS, diagnostics };
  }
  for (const e of entries(src, root)) {
    if (e.key !== "tiers" && e.key !== "reports") error(e.keyNode, `unknown key '${e.key}' in tiers.yml`, "the top-level keys are `tiers` and `reports`");
  }
  const reportsNode = get(src, root, "reports");
  const reports = reportsNode === undefined ? DEFAULT_REPORT_GLOBS : readReports(reportsNode, DEFAULT_REPORT_GLOBS);

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
  return { tiers, reports, diagnostics };
}
