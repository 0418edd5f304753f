// Which Python versions the unit-test matrix covers: the three oldest of the maintained releases
// that the project's `requires-python` allows, since the floor is what users install on and breaks
// first. Coverage and JUnit come from one leg only, so their history stays comparable as the matrix moves.
import { comparePep440, parsePep440, type Pep440Version } from "../gates/deps/pep440.js";

/** Releases a GitHub-hosted runner can set up, oldest first. */
export const MAINTAINED_PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"];
const MATRIX_SIZE = 3;
/** The leg that writes coverage and JUnit while it is in the matrix. */
const PREFERRED_REPORT = "3.11";

export interface PythonMatrix {
  versions: string[];
  report: string;
}

export class RequiresPythonError extends Error {}

function version(text: string): Pep440Version {
  const v = parsePep440(text);
  if (v === undefined) throw new RequiresPythonError(`'${text}' is not a version`);
  return v;
}

// Higher than any patch release, so `3.11` meets `>=3.11.4` (3.11.4 and later exist).
const ANY_PATCH = "9999";

/** Whether releases of `candidate` (3.11) fall under `prefix`: 3, 3.11 or 3.11.2 all cover some. */
function covers(candidate: string, prefix: string): boolean {
  return prefix.split(".").length < 2 ? candidate.startsWith(`${prefix}.`) : prefix === candidate || prefix.startsWith(`${candidate}.`);
}

/** Whether some release of `candidate` (a minor version such as 3.11) meets one PEP 440 clause. */
function meets(candidate: string, clause: string): boolean {
  const m = /^(~=|===|==|!=|<=|>=|<|>)\s*([0-9][0-9a-zA-Z.*+!-]*)$/.exec(clause);
  if (m === null) throw new RequiresPythonError(`'${clause}' is not a version specifier (e.g. >=3.11)`);
  const [, op, spec = ""] = m;
  const wildcard = spec.endsWith(".*");
  const target = wildcard ? spec.slice(0, -2) : spec;
  if (wildcard && op !== "==" && op !== "!=") throw new RequiresPythonError(`'${clause}': a wildcard only goes with == or !=`);
  const highest = comparePep440(version(`${candidate}.${ANY_PATCH}`), version(target));
  const lowest = comparePep440(version(`${candidate}.0`), version(target));
  switch (op) {
    case ">=":
      return highest >= 0;
    case ">":
      return highest > 0;
    case "<=":
      return lowest <= 0;
    case "<":
      return lowest < 0;
    case "!=":
      // Without a wildcard only one release is excluded; the minor version has others.
      return !wildcard || !covers(candidate, target);
    case "~=":
      // ~=3.11 is >=3.11,==3.*; ~=3.11.2 is >=3.11.2,==3.11.*
      return highest >= 0 && covers(candidate, target.split(".").slice(0, -1).join("."));
    default:
      return wildcard ? covers(candidate, target) : target.split(".").length >= 2 && covers(candidate, target);
  }
}

/** The matrix for a `requires-python` value (undefined: no constraint). */
export function pythonMatrix(requiresPython: string | undefined): PythonMatrix {
  const clauses = (requiresPython ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");
  const allowed = MAINTAINED_PYTHONS.filter((v) => clauses.every((c) => meets(v, c)));
  if (allowed.length === 0) {
    throw new RequiresPythonError(`requires-python = "${requiresPython ?? ""}" allows none of the maintained releases ${MAINTAINED_PYTHONS.join(", ")}`);
  }
  const versions = allowed.slice(0, MATRIX_SIZE);
  const report = versions.includes(PREFERRED_REPORT) ? PREFERRED_REPORT : (versions[Math.floor((versions.length - 1) / 2)] ?? PREFERRED_REPORT);
  return { versions, report };
}
