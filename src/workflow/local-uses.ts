// Local `uses: ./path` references name a directory or file inside the repository; `run` refuses
// one that climbs out of it, and `lint` must refuse the same ones, so both ask here.
import { posix } from "node:path";

/** True for `./`-relative references that leave the repository (`./../x`, `./a/../../x`). */
export function localUsesEscapes(uses: string): boolean {
  const normalized = posix.normalize(uses.trim());
  return normalized === ".." || normalized.startsWith("../") || posix.isAbsolute(normalized);
}

export function localUsesEscapeMessage(uses: string): string {
  return `local action '${uses.trim()}' points outside the workspace`;
}
