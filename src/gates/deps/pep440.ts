// Python package versions and names as PEP 440 and PEP 503 define them: the ordering pip
// uses, so that an advisory's "fixed in 2.0rc1" compares with an installed "2.0.dev3" the
// way the installer would.

export interface Pep440Version {
  epoch: bigint;
  release: bigint[];
  pre?: { phase: "a" | "b" | "rc"; n: bigint };
  post?: bigint;
  dev?: bigint;
  /** Segments of the local label; numbers compare as numbers and above any text. */
  local?: (bigint | string)[];
}

// The spelling PEP 440 accepts, normalization included: alternative phase names, optional
// separators, implicit numbers, a leading "v" and surrounding whitespace.
const VERSION =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|beta|preview|pre|a|b|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/;

const PHASE: Record<string, "a" | "b" | "rc"> = { a: "a", alpha: "a", b: "b", beta: "b", c: "rc", rc: "rc", pre: "rc", preview: "rc" };

export function parsePep440(text: string): Pep440Version | undefined {
  const m = VERSION.exec(text.trim().toLowerCase());
  if (!m) return undefined;
  const [, epoch, release, phase, preN, postImplicit, postWord, postN, devWord, devN, local] = m;
  const version: Pep440Version = { epoch: BigInt(epoch ?? 0), release: (release ?? "0").split(".").map((p) => BigInt(p)) };
  if (phase !== undefined) version.pre = { phase: PHASE[phase] ?? "rc", n: BigInt(preN ?? 0) };
  if (postImplicit !== undefined) version.post = BigInt(postImplicit);
  else if (postWord !== undefined) version.post = BigInt(postN ?? 0);
  if (devWord !== undefined) version.dev = BigInt(devN ?? 0);
  if (local !== undefined) version.local = local.split(/[-_.]/).map((s) => (/^\d+$/.test(s) ? BigInt(s) : s));
  return version;
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

// Each optional part becomes a rank (below any value, a value, above any value) followed by
// its values, so that absent parts sort where PEP 440 puts them.
const BELOW = -1n;
const AT = 0n;
const ABOVE = 1n;
const PHASE_RANK = { a: 0n, b: 1n, rc: 2n };

function preKey(v: Pep440Version): bigint[] {
  // A developmental release of the final version comes before its pre-releases: 1.0.dev1 < 1.0a1.
  if (!v.pre && v.post === undefined && v.dev !== undefined) return [BELOW];
  if (!v.pre) return [ABOVE];
  return [AT, PHASE_RANK[v.pre.phase], v.pre.n];
}

const postKey = (v: Pep440Version): bigint[] => (v.post === undefined ? [BELOW] : [AT, v.post]);
const devKey = (v: Pep440Version): bigint[] => (v.dev === undefined ? [ABOVE] : [AT, v.dev]);

/** Element by element; a missing element counts as 0, so trailing zeros of a release do not count (1.0 == 1.0.0). */
function compareParts(a: bigint[], b: bigint[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = cmp(a[i] ?? 0n, b[i] ?? 0n);
    if (c !== 0) return c;
  }
  return 0;
}

function compareLocal(a: (bigint | string)[] | undefined, b: (bigint | string)[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as bigint | string;
    const y = b[i] as bigint | string;
    if (typeof x !== typeof y) return typeof x === "bigint" ? 1 : -1;
    const c = typeof x === "bigint" ? cmp(x, y as bigint) : x < (y as string) ? -1 : x > (y as string) ? 1 : 0;
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  return (
    cmp(a.epoch, b.epoch) ||
    compareParts(a.release, b.release) ||
    compareParts(preKey(a), preKey(b)) ||
    compareParts(postKey(a), postKey(b)) ||
    compareParts(devKey(a), devKey(b)) ||
    compareLocal(a.local, b.local)
  );
}

/** PEP 503: names that differ only in case or in runs of `-`, `_` and `.` are one project. */
export function normalizePypiName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, "-");
}
