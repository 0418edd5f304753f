// One OSV record (https://ossf.github.io/osv-schema/) reduced to what an audit needs: who
// it is, how bad, and which versions of which PyPI and npm packages it affects.
import { appendAll } from "../../util/large-arrays.js";
import { cvss3BaseScore, ratingOf } from "./cvss.js";
import { ECOSYSTEMS, type AffectedVersions, type Ecosystem, type RangeEvent, type VersionRange } from "./osv-range.js";
import { normalizePypiName } from "./pep440.js";

export interface Severity {
  /** LOW, MODERATE/MEDIUM, HIGH, CRITICAL, as the database or the CVSS score rates it. */
  label?: string;
  cvss?: { type: string; vector: string; score?: number };
}

export interface AdvisoryInfo {
  id: string;
  aliases: string[];
  summary: string;
  severity?: Severity;
  modified?: string;
}

export interface AffectedPackage extends AffectedVersions {
  ecosystem: Ecosystem;
  /** Normalized as the ecosystem compares names (PEP 503 for PyPI). */
  name: string;
}

export type CompactRecord =
  { kind: "advisory"; info: AdvisoryInfo; packages: AffectedPackage[] } | { kind: "skipped"; reason: "withdrawn" | "other-ecosystems" | "not-osv" };

export function normalizeName(ecosystem: Ecosystem, name: string): string {
  return ecosystem === "PyPI" ? normalizePypiName(name) : name.trim();
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);
const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

function summaryOf(raw: Json): string {
  const summary = text(raw["summary"]);
  if (summary) return summary;
  // PYSEC records often have details only: their first sentence stands in.
  const details = text(raw["details"])
    ?.split(/\n\s*\n|(?<=\.)\s/)[0]
    ?.replace(/\s+/g, " ");
  if (!details) return "";
  return details.length > 200 ? `${details.slice(0, 197)}...` : details;
}

function severityLabel(raw: Json): string | undefined {
  const candidates: unknown[] = [isObject(raw["database_specific"]) ? raw["database_specific"]["severity"] : undefined];
  for (const a of Array.isArray(raw["affected"]) ? raw["affected"] : []) {
    if (!isObject(a)) continue;
    for (const key of ["database_specific", "ecosystem_specific"]) {
      const specific = a[key];
      if (isObject(specific)) candidates.push(specific["severity"]);
    }
  }
  return candidates
    .map(text)
    .find((s) => s !== undefined)
    ?.toUpperCase();
}

function severityOf(raw: Json): Severity | undefined {
  const scores = (Array.isArray(raw["severity"]) ? raw["severity"] : []).filter(isObject);
  const preference = ["CVSS_V3", "CVSS_V4", "CVSS_V2"];
  const best = scores
    .filter((s) => preference.includes(String(s["type"])) && typeof s["score"] === "string")
    .sort((a, b) => preference.indexOf(String(a["type"])) - preference.indexOf(String(b["type"])))[0];
  const severity: Severity = {};
  if (best) {
    const vector = String(best["score"]);
    const score = best["type"] === "CVSS_V3" ? cvss3BaseScore(vector) : undefined;
    severity.cvss = { type: String(best["type"]), vector, ...(score === undefined ? {} : { score }) };
  }
  const label = severityLabel(raw) ?? (severity.cvss?.score === undefined ? undefined : ratingOf(severity.cvss.score));
  if (label) severity.label = label;
  return severity.cvss || severity.label ? severity : undefined;
}

function rangesOf(affected: Json): VersionRange[] {
  const ranges: VersionRange[] = [];
  for (const r of Array.isArray(affected["ranges"]) ? affected["ranges"] : []) {
    // GIT ranges name commits, which a lockfile's version cannot be compared with.
    if (!isObject(r) || (r["type"] !== "SEMVER" && r["type"] !== "ECOSYSTEM")) continue;
    const events: RangeEvent[] = [];
    for (const e of Array.isArray(r["events"]) ? r["events"] : []) {
      if (!isObject(e)) continue;
      const event: RangeEvent = {};
      for (const kind of ["introduced", "fixed", "last_affected", "limit"] as const) {
        if (typeof e[kind] === "string") event[kind] = e[kind] as string;
      }
      if (Object.keys(event).length > 0) events.push(event);
    }
    if (events.length > 0) ranges.push({ type: r["type"], events });
  }
  return ranges;
}

export function compactRecord(raw: unknown): CompactRecord {
  if (!isObject(raw) || typeof raw["id"] !== "string" || !Array.isArray(raw["affected"])) return { kind: "skipped", reason: "not-osv" };
  if (text(raw["withdrawn"])) return { kind: "skipped", reason: "withdrawn" };
  const byPackage = new Map<string, AffectedPackage>();
  for (const a of raw["affected"]) {
    const pkg = isObject(a) ? a["package"] : undefined;
    if (!isObject(a) || !isObject(pkg)) continue;
    const ecosystem = ECOSYSTEMS.find((e) => e === pkg["ecosystem"]);
    const rawName = text(pkg["name"]);
    if (!ecosystem || !rawName) continue;
    const name = normalizeName(ecosystem, rawName);
    const key = `${ecosystem}\0${name}`;
    const entry = byPackage.get(key) ?? { ecosystem, name, ranges: [], versions: [] };
    appendAll(entry.ranges, rangesOf(a));
    appendAll(entry.versions, strings(a["versions"]));
    byPackage.set(key, entry);
  }
  if (byPackage.size === 0) return { kind: "skipped", reason: "other-ecosystems" };
  const severity = severityOf(raw);
  const modified = text(raw["modified"]);
  const info: AdvisoryInfo = {
    id: raw["id"],
    aliases: strings(raw["aliases"]),
    summary: summaryOf(raw),
    ...(severity ? { severity } : {}),
    ...(modified ? { modified } : {}),
  };
  return { kind: "advisory", info, packages: [...byPackage.values()] };
}
