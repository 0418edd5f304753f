// `tierci audit` and the tierci/audit action: repository hygiene in one report. Hidden
// characters in text files (trojan source), tracked files the ignore rules exclude,
// files over a size limit, and Markdown reports against a schema.
import { appendAll } from "../../util/large-arrays.js";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import picomatch from "picomatch";
import { repoRoot } from "../../git/git.js";
import { matchesFilters } from "../../glob/filter-pattern.js";
import type { Finding, GateReport, RuleInfo } from "../finding.js";
import { ignoredTrackedFiles, trackedFiles, untrackedFiles } from "../policy/git.js";
import { hiddenCharacters, mayHoldHidden } from "./hidden-chars.js";
import { checkReport, parseReportSchema, type ReportSpec } from "./report-schema.js";

export { ReportSchemaError, type ReportSpec } from "./report-schema.js";

/** Where a repository keeps its report schema when --report-schema is not given. */
export const DEFAULT_REPORT_SCHEMA = ".github/tierci-reports.yml";

export const AUDIT_RULES: RuleInfo[] = [
  {
    id: "bidi-control",
    severity: "error",
    description: "A bidirectional control character reorders how the text is displayed, so the code that runs differs from the code reviewers read",
  },
  { id: "zero-width-char", severity: "warning", description: "An invisible zero-width character makes identical-looking text differ" },
  { id: "ignored-tracked", severity: "warning", description: "A tracked file matches the ignore rules: it was committed by mistake, or .gitignore is wrong" },
  { id: "file-too-large", severity: "warning", description: "A file is over the size limit" },
  { id: "report-missing-heading", severity: "error", description: "A report lacks a heading its schema requires" },
  { id: "report-empty-section", severity: "error", description: "A required section of a report is empty" },
  { id: "report-heading-depth", severity: "warning", description: "A report's heading is deeper than its schema allows" },
];

export class AuditUsageError extends Error {
  override readonly name = "AuditUsageError";
}

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** `5MB`, `500k`, `1.5GiB`, `2048`: binary units, as file managers and git hosts count them. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[(m[2] as string).toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) throw new AuditUsageError(`'${text}' is not a size; write it like 5MB, 500KB or 1GB`);
  return Math.floor(Number(m[1]) * unit);
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** The schema named (relative to `cwd`), which must exist; else the repository's own at DEFAULT_REPORT_SCHEMA, if any. */
export function loadReportSchema(repo: string, named: string | undefined, cwd: string): ReportSpec[] | undefined {
  const path = named === undefined ? join(repo, DEFAULT_REPORT_SCHEMA) : resolve(cwd, named);
  if (!existsSync(path)) {
    if (named !== undefined) throw new AuditUsageError(`report schema ${path} does not exist`);
    return undefined;
  }
  return parseReportSchema(named ?? DEFAULT_REPORT_SCHEMA, readFileSync(path, "utf8"));
}

export interface AuditOptions {
  repo: string;
  maxSize: number;
  reports?: ReportSpec[];
}

function hiddenFindings(file: string, content: Buffer): Finding[] {
  if (!mayHoldHidden(content) || content.subarray(0, 8000).includes(0)) return [];
  return hiddenCharacters(content.toString("utf8")).map((h) => ({
    ruleId: h.kind === "bidi" ? "bidi-control" : "zero-width-char",
    severity: h.kind === "bidi" ? "error" : "warning",
    message: `${h.kind === "bidi" ? "bidirectional control" : "invisible"} character ${h.name}${h.count > 1 ? ` (and ${h.count - 1} more on this line)` : ""}`,
    file,
    line: h.line,
    col: h.col,
    hint:
      h.kind === "bidi"
        ? "remove it; if the text needs right-to-left display, keep it in strings or comments that reviewers can see escaped"
        : "remove it (an editor that shows invisible characters helps)",
  }));
}

// Never worth descending into when looking for reports: tools' caches and other repositories.
const SKIP_DIRS = new Set([".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache"]);

/** Files on disk under the fixed part of each pattern, ignored ones included: reports are usually build output. */
function filesMatching(root: string, patterns: string[]): string[] {
  const bases = new Set(patterns.filter((p) => !p.startsWith("!")).map((p) => picomatch.scan(p).base));
  const found = new Set<string>();
  const walk = (rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(join(root, rel));
    } catch {
      return;
    }
    for (const name of names) {
      const path = rel === "" ? name : `${rel}/${name}`;
      const stat = lstatSync(join(root, path));
      if (stat.isDirectory() && !SKIP_DIRS.has(name)) walk(path);
      else if (stat.isFile() && matchesFilters(path, patterns)) found.add(path);
    }
  };
  for (const base of bases) {
    let stat;
    try {
      stat = lstatSync(join(root, base));
    } catch {
      continue;
    }
    if (stat.isDirectory()) walk(base);
    else if (stat.isFile() && matchesFilters(base, patterns)) found.add(base);
  }
  return [...found].sort();
}

export function runAudit(opts: AuditOptions): GateReport {
  const root = repoRoot(opts.repo);
  const findings: Finding[] = [];
  const files = [...new Set([...trackedFiles(root), ...untrackedFiles(root)])].sort();
  for (const file of files) {
    let stat;
    try {
      stat = lstatSync(join(root, file));
    } catch {
      continue; // deleted in the working tree, still in the index
    }
    if (!stat.isFile()) continue;
    if (stat.size > opts.maxSize) {
      findings.push({
        ruleId: "file-too-large",
        severity: "warning",
        message: `the file is ${formatSize(stat.size)}, over the ${formatSize(opts.maxSize)} limit`,
        file,
        hint: "keep large files out of the repository (Git LFS, a package registry or an artifact store), or raise --max-size",
      });
      continue;
    }
    appendAll(findings, hiddenFindings(file, readFileSync(join(root, file))));
  }
  for (const file of ignoredTrackedFiles(root)) {
    findings.push({
      ruleId: "ignored-tracked",
      severity: "warning",
      message: "the file is tracked, but .gitignore would ignore it",
      file,
      hint: `stop tracking it with 'git rm --cached ${file}', or stop ignoring it in .gitignore`,
    });
  }
  for (const spec of opts.reports ?? []) {
    for (const file of filesMatching(root, spec.paths)) appendAll(findings, checkReport(file, readFileSync(join(root, file), "utf8"), spec));
  }
  return { gate: "audit", rules: AUDIT_RULES, findings };
}
