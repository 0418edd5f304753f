// Semantic versions and node-semver ranges, as far as the setup actions use them:
// @actions/tool-cache picks a tool's version with semver.clean/valid/satisfies, and
// setup-python validates pyproject ranges with semver.validRange(range, loose). Same
// grammar (x-ranges, ~, ^, hyphen ranges, comparators, ||) and the same rule that a
// prerelease only satisfies a range naming a prerelease of the same major.minor.patch.
import { appendAll } from "../../util/large-arrays.js";
import { comparePrecedence } from "../../util/semver-precedence.js";

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: (string | number)[];
}

const NUM = "0|[1-9]\\d*";
const PRE_ID = `(?:${NUM}|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const PRE_ID_LOOSE = `(?:[0-9]+|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const BUILD = "(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?";
const STRICT = new RegExp(`^v?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?${BUILD}$`);
const LOOSE = new RegExp(`^[v=\\s]*([0-9]+)\\.([0-9]+)\\.([0-9]+)(?:-?(${PRE_ID_LOOSE}(?:\\.${PRE_ID_LOOSE})*))?${BUILD}$`);

function preIds(text: string | undefined): (string | number)[] {
  if (!text) return [];
  return text.split(".").map((id) => (/^\d+$/.test(id) ? Number(id) : id));
}

export function parseVersion(text: string, loose = false): SemVer | null {
  const m = (loose ? LOOSE : STRICT).exec(text.trim());
  if (!m) return null;
  const [major, minor, patch] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  if (![major, minor, patch].every(Number.isSafeInteger)) return null;
  return { major, minor, patch, prerelease: preIds(m[4]) };
}

export function formatVersion(v: SemVer): string {
  const base = `${v.major}.${v.minor}.${v.patch}`;
  return v.prerelease.length > 0 ? `${base}-${v.prerelease.join(".")}` : base;
}

/** semver.clean: the version without a leading `=`/`v` and surrounding space, or null. */
export function cleanVersion(text: string): string | null {
  const v = parseVersion(text.trim().replace(/^[=v]+/, ""));
  return v ? formatVersion(v) : null;
}

export function compareVersions(a: SemVer, b: SemVer): number {
  return comparePrecedence({ ...a, pre: a.prerelease }, { ...b, pre: b.prerelease });
}

type Operator = "<" | "<=" | ">" | ">=" | "=";

interface Comparator {
  op: Operator;
  version: SemVer;
}

/** Alternatives (||) of comparator sets that must all hold; an empty set matches anything. */
export type Range = Comparator[][];

const XR = "[xX*]|[0-9]+";
const partialPattern = (pre: string, id: string) => new RegExp(`^[v=\\s]*(${XR})(?:\\.(${XR})(?:\\.(${XR})(?:${pre}(${id}(?:\\.${id})*))?${BUILD})?)?$`);
const PARTIAL = partialPattern("-", PRE_ID);
const PARTIAL_LOOSE = partialPattern("-?", PRE_ID_LOOSE);

interface Partial {
  major?: number;
  minor?: number;
  patch?: number;
  prerelease: (string | number)[];
}

function parsePartial(text: string, loose: boolean): Partial | null {
  const m = (loose ? PARTIAL_LOOSE : PARTIAL).exec(text);
  if (!m) return null;
  const part = (s: string | undefined) => (s === undefined || /^[xX*]$/.test(s) ? undefined : Number(s));
  const major = part(m[1]);
  const minor = major === undefined ? undefined : part(m[2]);
  const patch = minor === undefined ? undefined : part(m[3]);
  return { major, minor, patch, prerelease: patch === undefined ? [] : preIds(m[4]) };
}

const v = (major: number, minor: number, patch: number, prerelease: (string | number)[] = []): SemVer => ({ major, minor, patch, prerelease });
/** The lowest version of a line, so that `<` excludes that line's prereleases too. */
const floor = (major: number, minor: number, patch: number): SemVer => v(major, minor, patch, [0]);

function xrange(op: string, p: Partial): Comparator[] | null {
  const { major, minor, patch } = p;
  if (major === undefined) return op === "<" || op === ">" ? [{ op: "<", version: v(0, 0, 0, [0]) }] : [];
  if (minor === undefined || patch === undefined) {
    const lo = v(major, minor ?? 0, 0);
    const hi = minor === undefined ? floor(major + 1, 0, 0) : floor(major, minor + 1, 0);
    switch (op) {
      case "":
      case "=":
        return [
          { op: ">=", version: lo },
          { op: "<", version: hi },
        ];
      case ">":
        return [{ op: ">=", version: minor === undefined ? v(major + 1, 0, 0) : v(major, minor + 1, 0) }];
      case ">=":
        return [{ op: ">=", version: lo }];
      case "<":
        return [{ op: "<", version: floor(major, minor ?? 0, 0) }];
      case "<=":
        return [{ op: "<", version: hi }];
      default:
        return null;
    }
  }
  const exact = v(major, minor, patch, p.prerelease);
  return [{ op: op === "" ? "=" : (op as Operator), version: exact }];
}

function tilde(p: Partial): Comparator[] {
  const { major, minor, patch } = p;
  if (major === undefined) return [];
  if (minor === undefined)
    return [
      { op: ">=", version: v(major, 0, 0) },
      { op: "<", version: floor(major + 1, 0, 0) },
    ];
  return [
    { op: ">=", version: v(major, minor, patch ?? 0, p.prerelease) },
    { op: "<", version: floor(major, minor + 1, 0) },
  ];
}

function caret(p: Partial): Comparator[] {
  const { major, minor, patch } = p;
  if (major === undefined) return [];
  if (minor === undefined)
    return [
      { op: ">=", version: v(major, 0, 0) },
      { op: "<", version: floor(major + 1, 0, 0) },
    ];
  const lo = v(major, minor, patch ?? 0, p.prerelease);
  let hi: SemVer;
  if (major > 0) hi = floor(major + 1, 0, 0);
  else if (minor > 0 || patch === undefined) hi = floor(0, minor + 1, 0);
  else hi = floor(0, 0, patch + 1);
  return [
    { op: ">=", version: lo },
    { op: "<", version: hi },
  ];
}

function hyphen(fromText: string, toText: string, loose: boolean): Comparator[] | null {
  const from = parsePartial(fromText, loose);
  const to = parsePartial(toText, loose);
  if (!from || !to) return null;
  const lower =
    from.major === undefined
      ? []
      : [{ op: ">=" as const, version: v(from.major, from.minor ?? 0, from.patch ?? 0, from.patch === undefined ? [] : from.prerelease) }];
  let upper: Comparator[] = [];
  if (to.major !== undefined) {
    if (to.minor === undefined) upper = [{ op: "<", version: floor(to.major + 1, 0, 0) }];
    else if (to.patch === undefined) upper = [{ op: "<", version: floor(to.major, to.minor + 1, 0) }];
    else upper = [{ op: "<=", version: v(to.major, to.minor, to.patch, to.prerelease) }];
  }
  return [...lower, ...upper];
}

function comparator(text: string, loose: boolean): Comparator[] | null {
  const m = /^(~>?|\^|<=|>=|<|>|=)?(.*)$/.exec(text);
  const op = m?.[1] ?? "";
  const rest = m?.[2] ?? "";
  const p = parsePartial(rest, loose);
  if (!p) return null;
  if (op.startsWith("~")) return tilde(p);
  if (op === "^") return caret(p);
  // node-semver passes a full version through unchanged, and its strict comparator grammar
  // then allows only a `v` before it: `==3.11.7` is invalid while `==3.11.*` is a range.
  if (!loose && p.patch !== undefined && !/^v?\d/.test(rest)) return null;
  return xrange(op, p);
}

function parseSet(text: string, loose: boolean): Comparator[] | null {
  const trimmed = text.trim();
  const h = /^(\S+)\s+-\s+(\S+)$/.exec(trimmed);
  if (h) return hyphen(h[1] ?? "", h[2] ?? "", loose);
  // An operator may be separated from its version by spaces: "> 1.2", "~ 1.2".
  const joined = trimmed.replace(/(~>?|\^|<=|>=|<|>|=)\s+/g, "$1");
  const set: Comparator[] = [];
  for (const part of joined.split(/\s+/).filter(Boolean)) {
    const c = comparator(part, loose);
    if (!c) return null;
    appendAll(set, c);
  }
  return set;
}

/** semver.validRange: the parsed range, or null when node-semver would reject it. */
export function parseRange(text: string, loose = false): Range | null {
  const sets: Range = [];
  for (const alternative of text.split("||")) {
    const set = parseSet(alternative, loose);
    if (!set) return null;
    sets.push(set);
  }
  return sets;
}

function test(c: Comparator, version: SemVer): boolean {
  const cmp = compareVersions(version, c.version);
  switch (c.op) {
    case "<":
      return cmp < 0;
    case "<=":
      return cmp <= 0;
    case ">":
      return cmp > 0;
    case ">=":
      return cmp >= 0;
    case "=":
      return cmp === 0;
  }
}

function setSatisfied(set: Comparator[], version: SemVer): boolean {
  if (!set.every((c) => test(c, version))) return false;
  if (version.prerelease.length === 0) return true;
  return set.some(
    (c) => c.version.prerelease.length > 0 && c.version.major === version.major && c.version.minor === version.minor && c.version.patch === version.patch,
  );
}

export function satisfies(version: SemVer, range: Range): boolean {
  return range.some((set) => setSatisfied(set, version));
}

/**
 * @actions/tool-cache's find: an explicit version must be present as it is; anything else is
 * a range and the highest version satisfying it wins. Returns the index into `versions`
 * (the first of equal versions), or -1.
 */
export function findVersion(versions: readonly SemVer[], spec: string): number {
  const explicit = cleanVersion(spec);
  if (explicit !== null) return versions.findIndex((candidate) => formatVersion(candidate) === explicit);
  const range = parseRange(spec);
  if (!range) return -1;
  let best = -1;
  versions.forEach((candidate, i) => {
    const current = versions[best];
    if (satisfies(candidate, range) && (current === undefined || compareVersions(candidate, current) > 0)) best = i;
  });
  return best;
}
