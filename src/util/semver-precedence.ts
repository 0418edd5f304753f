// Semantic Versioning 2.0.0 precedence (section 11), the one comparison both of tierci's version
// grammars use: npm versions in advisories (src/gates/deps/semver.ts, bigint parts) and the
// node-semver versions of the setup actions (src/actions/setup/version-spec.ts).

export type Identifier = bigint | number | string;

export interface Precedence {
  major: bigint | number;
  minor: bigint | number;
  patch: bigint | number;
  /** Pre-release identifiers, numeric ones as numbers; empty for a release. */
  pre: readonly Identifier[];
}

const cmp = (a: Identifier, b: Identifier): number => (a < b ? -1 : a > b ? 1 : 0);
const numeric = (x: Identifier): boolean => typeof x !== "string";

function comparePre(a: readonly Identifier[], b: readonly Identifier[]): number {
  // A release ranks above any of its pre-releases: 1.0.0-rc.1 < 1.0.0.
  if (a.length === 0 || b.length === 0) return b.length === a.length ? 0 : a.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as Identifier;
    const y = b[i] as Identifier;
    // Numeric identifiers rank below alphanumeric ones.
    if (numeric(x) !== numeric(y)) return numeric(x) ? -1 : 1;
    const c = cmp(x, y);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

export function comparePrecedence(a: Precedence, b: Precedence): number {
  return cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch) || comparePre(a.pre, b.pre);
}
