// Which Node.js versions the generated matrix tests: the newest LTS lines the project's
// `engines.node` allows. A fixed list, because init runs offline and cannot ask for releases.
import { parseRange, satisfies, type Range, type SemVer } from "../actions/setup/version-spec.js";

/** LTS majors, oldest first; extend when a new line enters LTS. */
export const LTS_MAJORS = [18, 20, 22, 24];
const DEFAULT_MATRIX = ["20", "22", "24"];
const MATRIX_SIZE = 3;

export interface NodeMatrix {
  versions: string[];
  /** The one version that writes JUnit and coverage, so reports are not tripled. */
  report: string;
}

const release = (major: number, minor: number, patch: number): SemVer => ({ major, minor, patch, prerelease: [] });

/**
 * True when some release of the major satisfies the range. The lowest release in a comparator
 * set's intersection with the major is the major's first release, a `>=`/`=` bound or just
 * above a `>` bound, so testing those points is enough.
 */
function majorAllowed(major: number, range: Range): boolean {
  const bounds = range.flat().filter((c) => c.version.major === major);
  const candidates = [
    release(major, 0, 0),
    ...bounds.map((c) => release(major, c.version.minor, c.version.patch)),
    ...bounds.map((c) => release(major, c.version.minor, c.version.patch + 1)),
  ];
  return candidates.some((v) => satisfies(v, range));
}

function matrixOf(versions: string[]): NodeMatrix {
  return { versions, report: versions[Math.floor(versions.length / 2)] ?? "" };
}

export class EnginesError extends Error {}

/** The newest three LTS majors inside `engines`, or 20/22/24 without one. */
export function nodeMatrix(engines?: string): NodeMatrix {
  if (engines === undefined) return matrixOf(DEFAULT_MATRIX);
  const range = parseRange(engines, true);
  if (range === null) throw new EnginesError(`engines.node "${engines}" is not a version range (e.g. >=20)`);
  const allowed = LTS_MAJORS.filter((m) => majorAllowed(m, range)).slice(-MATRIX_SIZE);
  if (allowed.length === 0) throw new EnginesError(`engines.node "${engines}" allows none of the LTS lines ${LTS_MAJORS.join(", ")}`);
  return matrixOf(allowed.map(String));
}
