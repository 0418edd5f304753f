// Whether a path stays under a base directory. Decided on path segments, not string prefixes:
// `..sub` is a directory of the base, while `..` and `../x` leave it.
import { isAbsolute, relative, sep } from "node:path";

/** True when `path` is `base` or below it (both absolute, or both relative to the same directory). */
export function isInside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
