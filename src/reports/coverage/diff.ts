// The lines a unified diff adds to each file, in the new file's numbering.
import { parseUnifiedDiff } from "../../git/unified-diff.js";

/** Lines added or changed per file (the new path), ascending. Deleted files and binary changes add none. */
export function addedLines(diff: string): Map<string, number[]> {
  const files = new Map<string, number[]>();
  for (const change of parseUnifiedDiff(diff)) {
    if (change.added.length === 0) continue;
    const lines = [...(files.get(change.path) ?? []), ...change.added.map((a) => a.line)];
    files.set(
      change.path,
      lines.sort((a, b) => a - b),
    );
  }
  return files;
}
