// The dependency audit: pinned packages of a repository matched against the offline OSV
// database. Advisories that are aliases of one another (a PYSEC and a GHSA record for one CVE)
// make one finding. A missing, incomplete or stale database is an error, never a clean pass.
import type { Finding, GateReport, RuleInfo } from "../finding.js";
import { collectDependencies, type Collected } from "./collect.js";
import type { AuditNote, Dependency } from "./manifest.js";
import { missingEcosystemMessage, OsvDatabase, OsvDatabaseError, staleMessage, type EcosystemStatus, type StoredAdvisory } from "./osv-db.js";
import { normalizeName, type Severity } from "./osv-record.js";
import { ECOSYSTEMS, evaluate, schemeFor, type Ecosystem, type Verdict } from "./osv-range.js";

export interface AuditOptions {
  root: string;
  dbDir: string;
  maxAgeDays: number;
  /** Advisory ids or aliases (CVE-..., GHSA-...) to leave out. */
  ignore: string[];
  now?: number;
  /** What to audit instead of every dependency file under `root` (named files, an installed environment). */
  collected?: Collected;
}

export interface AuditResult {
  report: GateReport;
  notes: AuditNote[];
  /** Dependency files read, repository-relative. */
  files: string[];
  /** Distinct package versions checked. */
  packages: number;
  /** Findings left out by --ignore. */
  ignored: number;
  /** The database's state for the ecosystems the repository uses. */
  database: EcosystemStatus[];
}

const DAY_MS = 86_400_000;

/** Advisory ids as a list: comma-, space- or newline-separated. */
export function splitIds(text: string): string[] {
  return text.split(/[\s,]+/).filter((id) => id !== "");
}

/** A database age limit in days: a number above 0, fractions allowed. */
export function parseMaxAge(text: string): number | undefined {
  const days = Number(text);
  return text.trim() !== "" && Number.isFinite(days) && days > 0 ? days : undefined;
}

interface Vulnerability {
  id: string;
  aliases: string[];
  summary: string;
  severity?: Severity;
  verdict: Verdict;
}

// GitHub's records usually carry a severity and a summary; PyPI's own often only details.
function preference(id: string): number {
  const rank = ["GHSA-", "PYSEC-", "MAL-"].findIndex((p) => id.startsWith(p));
  return rank < 0 ? 3 : rank;
}

/** Advisories that name each other (directly or through a shared alias) become one vulnerability. */
function group(matches: { advisory: StoredAdvisory; verdict: Verdict }[], ecosystem: Ecosystem): Vulnerability[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  for (const { advisory } of matches) for (const alias of advisory.aliases) parent.set(find(alias), find(advisory.id));
  const groups = new Map<string, typeof matches>();
  for (const m of matches) groups.set(find(m.advisory.id), [...(groups.get(find(m.advisory.id)) ?? []), m]);

  const order = schemeFor(ecosystem);
  return [...groups.values()].map((members) => {
    members.sort((a, b) => preference(a.advisory.id) - preference(b.advisory.id) || a.advisory.id.localeCompare(b.advisory.id));
    const primary = (members[0] as (typeof members)[number]).advisory;
    const ids = new Set(members.flatMap((m) => [m.advisory.id, ...m.advisory.aliases]));
    ids.delete(primary.id);
    const fixes = members.flatMap((m) => (m.verdict.fixed === undefined ? [] : [m.verdict.fixed])).sort((a, b) => order.compare(a, b) ?? 0);
    // One advisory that knows no fix makes the vulnerability's fix unknown.
    const unfixed = members.some((m) => m.verdict.fixed === undefined && m.verdict.lastAffected === undefined);
    const fixed = unfixed ? undefined : fixes.at(-1);
    const lastAffected = unfixed || fixed !== undefined ? undefined : members.find((m) => m.verdict.lastAffected)?.verdict.lastAffected;
    const fixedVersions = [...new Set(members.flatMap((m) => m.verdict.fixedVersions))].sort((a, b) => order.compare(a, b) ?? 0);
    const severity =
      members.map((m) => m.advisory.severity).find((s) => s?.label || s?.cvss?.score !== undefined) ?? members.map((m) => m.advisory.severity).find((s) => s);
    return {
      id: primary.id,
      aliases: [...ids].sort(),
      summary: members.map((m) => m.advisory.summary).find((s) => s) ?? "",
      ...(severity ? { severity } : {}),
      verdict: { affected: true, fixedVersions, ...(fixed ? { fixed } : {}), ...(lastAffected ? { lastAffected } : {}) },
    };
  });
}

function severityText(severity: Severity | undefined): string | undefined {
  const parts = [severity?.label, severity?.cvss?.score === undefined ? undefined : `CVSS ${severity.cvss.score.toFixed(1)}`].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

function fixHint(name: string, verdict: Verdict): string {
  if (verdict.fixed) return `upgrade ${name} to >= ${verdict.fixed}`;
  if (verdict.lastAffected) return `upgrade ${name} to a release after ${verdict.lastAffected}`;
  return `no fixed release is known: remove or replace ${name}`;
}

function findingOf(dep: Dependency, v: Vulnerability): Finding {
  const severity = severityText(v.severity);
  const aka = v.aliases.length > 0 ? ` (${v.aliases.join(", ")})` : "";
  return {
    ruleId: v.id,
    severity: "error",
    message: `${dep.name} ${dep.version}: ${v.summary || "known vulnerability"}${aka}${severity ? ` [${severity}]` : ""}`,
    file: dep.file,
    ...(dep.line === undefined ? {} : { line: dep.line }),
    hint: fixHint(dep.name, v.verdict),
    properties: {
      ecosystem: dep.ecosystem,
      package: dep.name,
      version: dep.version,
      id: v.id,
      aliases: v.aliases,
      fixed: v.verdict.fixedVersions,
      ...(v.verdict.fixed ? { upgrade_to: v.verdict.fixed } : {}),
      ...(v.severity?.label ? { severity: v.severity.label } : {}),
      ...(v.severity?.cvss ? { cvss: v.severity.cvss.vector } : {}),
      ...(v.severity?.cvss?.score === undefined ? {} : { cvss_score: v.severity.cvss.score }),
    },
  };
}

/** The database must know every ecosystem the repository uses, freshly enough. */
function checkDatabase(db: OsvDatabase, needed: Ecosystem[], maxAgeDays: number, now: number): EcosystemStatus[] {
  const statuses = db.status();
  return needed.map((ecosystem) => {
    const status = statuses.find((s) => s.ecosystem === ecosystem);
    if (!status) throw new OsvDatabaseError(missingEcosystemMessage(db.dir, ecosystem));
    const ageDays = (now - status.importedAt) / DAY_MS;
    if (ageDays > maxAgeDays) throw new OsvDatabaseError(staleMessage(db.dir, status, ageDays, maxAgeDays));
    return status;
  });
}

export function auditDependencies(opts: AuditOptions): AuditResult {
  const now = opts.now ?? Date.now();
  const collected = opts.collected ?? collectDependencies(opts.root);
  const needed = ECOSYSTEMS.filter((e) => collected.dependencies.some((d) => d.ecosystem === e));
  const db = OsvDatabase.open(opts.dbDir, needed.length > 0 ? needed : ECOSYSTEMS);
  try {
    const database = checkDatabase(db, needed, opts.maxAgeDays, now);
    const ignore = new Set(opts.ignore.map((id) => id.toUpperCase()));
    const byPackage = new Map<string, Vulnerability[]>();
    const keyOf = (d: Dependency): string => `${d.ecosystem}\0${normalizeName(d.ecosystem, d.name)}\0${d.version}`;
    for (const dep of collected.dependencies) {
      const key = keyOf(dep);
      if (byPackage.has(key)) continue;
      const matches = db
        .advisoriesFor(dep.ecosystem, normalizeName(dep.ecosystem, dep.name))
        .map((advisory) => ({ advisory, verdict: evaluate(advisory, dep.version, dep.ecosystem) }))
        .filter((m) => m.verdict.affected);
      byPackage.set(key, group(matches, dep.ecosystem));
    }
    const findings: Finding[] = [];
    const rules = new Map<string, RuleInfo>();
    let ignored = 0;
    for (const dep of collected.dependencies) {
      for (const v of byPackage.get(keyOf(dep)) ?? []) {
        if ([v.id, ...v.aliases].some((id) => ignore.has(id.toUpperCase()))) {
          ignored++;
          continue;
        }
        findings.push(findingOf(dep, v));
        rules.set(v.id, { id: v.id, description: v.summary || v.id, severity: "error", helpUri: `https://osv.dev/vulnerability/${v.id}` });
      }
    }
    findings.sort((a, b) => (a.file ?? "").localeCompare(b.file ?? "") || (a.line ?? 0) - (b.line ?? 0) || a.ruleId.localeCompare(b.ruleId));
    return {
      report: { gate: "deps-audit", rules: [...rules.values()], findings },
      notes: collected.notes,
      files: collected.files,
      packages: byPackage.size,
      ignored,
      database,
    };
  } finally {
    db.close();
  }
}
