// npm package versions as Semantic Versioning 2.0.0 orders them (precedence, section 11).

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

const cmp = <T extends bigint | string>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

function comparePre(a: (bigint | string)[], b: (bigint | string)[]): number {
  // A release ranks above any of its pre-releases: 1.0.0-rc.1 < 1.0.0.
  if (a.length === 0 || b.length === 0) return b.length === a.length ? 0 : a.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as bigint | string;
    const y = b[i] as bigint | string;
    // Numeric identifiers rank below alphanumeric ones.
    if (typeof x !== typeof y) return typeof x === "bigint" ? -1 : 1;
    const c = cmp(x, y);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

export function compareSemver(a: SemVer, b: SemVer): number {
  return cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch) || comparePre(a.pre, b.pre);
}
