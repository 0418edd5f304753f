// Whether a version falls inside an OSV record's affected ranges, evaluated as the OSV schema
// describes (events sorted by version; introduced opens, fixed and last_affected close), and
// which release fixes it.
import { comparePep440, parsePep440 } from "./pep440.js";
import { compareSemver, parseSemver } from "./semver.js";

export type Ecosystem = "PyPI" | "npm";
export const ECOSYSTEMS: readonly Ecosystem[] = ["PyPI", "npm"];

export interface RangeEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface VersionRange {
  type: "SEMVER" | "ECOSYSTEM";
  events: RangeEvent[];
}

/** What one advisory says about one package. */
export interface AffectedVersions {
  ranges: VersionRange[];
  /** Versions listed one by one; affected as well as those inside the ranges. */
  versions: string[];
}

export interface Verdict {
  affected: boolean;
  /** The first fixed release after the version, when the advisory names one. */
  fixed?: string;
  /** With no fixed release: the last affected one, so that anything after it is safe. */
  lastAffected?: string;
  /** Every fixed release the advisory names, lowest first. */
  fixedVersions: string[];
}

interface VersionScheme {
  /** Negative, zero or positive; undefined when either side is not a version of this scheme. */
  compare(a: string, b: string): number | undefined;
}

function scheme<V>(parse: (text: string) => V | undefined, compare: (a: V, b: V) => number): VersionScheme {
  return {
    compare(a, b) {
      const x = parse(a);
      const y = parse(b);
      return x === undefined || y === undefined ? undefined : compare(x, y);
    },
  };
}

const PEP440_SCHEME = scheme(parsePep440, comparePep440);
const SEMVER_SCHEME = scheme(parseSemver, compareSemver);

/** npm versions are semver; PyPI's are PEP 440. A range typed SEMVER is semver whatever the ecosystem. */
export function schemeFor(ecosystem: Ecosystem, rangeType: VersionRange["type"] = "ECOSYSTEM"): VersionScheme {
  return rangeType === "SEMVER" || ecosystem === "npm" ? SEMVER_SCHEME : PEP440_SCHEME;
}

export function isVersion(ecosystem: Ecosystem, version: string): boolean {
  return schemeFor(ecosystem).compare(version, version) !== undefined;
}

type Event = { kind: "introduced" | "fixed" | "last_affected" | "limit"; version: string };

function eventsOf(range: VersionRange, order: VersionScheme): Event[] {
  const events: Event[] = [];
  for (const e of range.events) {
    for (const kind of ["introduced", "fixed", "last_affected", "limit"] as const) {
      const version = e[kind];
      // "0" opens a range at the very first version; "*" is a limit that does not limit.
      if (version === undefined || (kind === "limit" && version === "*")) continue;
      if ((kind === "introduced" && version === "0") || order.compare(version, version) !== undefined) events.push({ kind, version });
    }
  }
  const rank = (e: Event): string | undefined => (e.kind === "introduced" && e.version === "0" ? undefined : e.version);
  return events.sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
    return order.compare(x, y) ?? 0;
  });
}

interface RangeVerdict {
  affected: boolean;
  fixed?: string;
  lastAffected?: string;
}

function evaluateRange(range: VersionRange, version: string, order: VersionScheme): RangeVerdict {
  const at = (bound: string): number => order.compare(version, bound) ?? 0;
  const events = eventsOf(range, order);
  const limits = events.filter((e) => e.kind === "limit");
  if (limits.length > 0 && !limits.some((e) => at(e.version) < 0)) return { affected: false };
  const verdict: RangeVerdict = { affected: false };
  for (const e of events) {
    if (e.kind === "introduced") {
      if (e.version === "0" || at(e.version) >= 0) {
        verdict.affected = true;
        delete verdict.fixed;
        delete verdict.lastAffected;
      }
    } else if (e.kind === "fixed") {
      if (at(e.version) >= 0) verdict.affected = false;
      else if (verdict.affected && verdict.fixed === undefined && verdict.lastAffected === undefined) verdict.fixed = e.version;
    } else if (e.kind === "last_affected") {
      if (at(e.version) > 0) verdict.affected = false;
      else if (verdict.affected && verdict.fixed === undefined && verdict.lastAffected === undefined) verdict.lastAffected = e.version;
    }
  }
  return verdict.affected ? verdict : { affected: false };
}

function sorted(versions: string[], order: VersionScheme): string[] {
  return [...versions].sort((a, b) => order.compare(a, b) ?? a.localeCompare(b));
}

export function evaluate(entry: AffectedVersions, version: string, ecosystem: Ecosystem): Verdict {
  const own = schemeFor(ecosystem);
  const fixedVersions = sorted([...new Set(entry.ranges.flatMap((r) => r.events.flatMap((e) => (e.fixed === undefined ? [] : [e.fixed]))))], own);
  const inRanges: RangeVerdict[] = [];
  for (const range of entry.ranges) {
    const order = schemeFor(ecosystem, range.type);
    if (order.compare(version, version) === undefined) continue;
    const verdict = evaluateRange(range, version, order);
    if (verdict.affected) inRanges.push(verdict);
  }
  const listed = entry.versions.some((v) => v === version || own.compare(v, version) === 0);
  if (inRanges.length === 0 && !listed) return { affected: false, fixedVersions };

  // Ranges that overlap at this version are all left only past the highest of their bounds,
  // and never when one of them is open-ended.
  if (inRanges.some((v) => v.fixed === undefined && v.lastAffected === undefined)) return { affected: true, fixedVersions };
  const fixes = sorted(
    inRanges.flatMap((v) => (v.fixed === undefined ? [] : [v.fixed])),
    own,
  );
  const lasts = sorted(
    inRanges.flatMap((v) => (v.lastAffected === undefined ? [] : [v.lastAffected])),
    own,
  );
  // Listed only one by one: the next fixed release the advisory names is the way out.
  const fixed = inRanges.length > 0 ? fixes.at(-1) : fixedVersions.find((f) => (own.compare(f, version) ?? 0) > 0);
  const lastAffected = fixed === undefined ? lasts.at(-1) : undefined;
  return { affected: true, fixedVersions, ...(fixed === undefined ? {} : { fixed }), ...(lastAffected === undefined ? {} : { lastAffected }) };
}
