// npm package versions as advisories write them; ordered by Semantic Versioning 2.0.0 precedence.
import { comparePrecedence } from "../../util/semver-precedence.js";

export interface SemVer {
  major: bigint;
  minor: bigint;
  patch: bigint;
  /** Pre-release identifiers; numeric ones as numbers. Empty for a release. */
  pre: (bigint | string)[];
}

// Build metadata is accepted and dropped: it never takes part in precedence. Minor and patch
// may be missing because advisories write bounds such as "0" or "2.1"; npm's loose "v" and
// "=" prefixes appear in old lockfiles.
const VERSION = /^[v=]*(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function parseSemver(text: string): SemVer | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  const [, major, minor, patch, pre] = m;
  return {
    major: BigInt(major ?? 0),
    minor: BigInt(minor ?? 0),
    patch: BigInt(patch ?? 0),
    pre: pre === undefined ? [] : pre.split(".").map((id) => (/^\d+$/.test(id) ? BigInt(id) : id)),
  };
}

export function compareSemver(a: SemVer, b: SemVer): number {
  return comparePrecedence(a, b);
}
