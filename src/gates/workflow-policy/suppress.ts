// `# tierci: ignore[rule-id, ...]` comments: on the offending line, alone on a line in the
// comment block just above it, or in the comment block that opens the file (the whole file).
import type { Finding } from "../finding.js";

const DIRECTIVE = /#\s*tierci:\s*ignore\[([^\]]*)\]/g;

export interface Suppressions {
  file: Set<string>;
  /** Rule ids suppressed on each 1-based line. */
  lines: Map<number, Set<string>>;
}

function idsIn(line: string): string[] {
  return [...line.matchAll(DIRECTIVE)].flatMap((m) => (m[1] ?? "").split(/[\s,]+/).filter((id) => id !== ""));
}

const isComment = (line: string): boolean => /^\s*#/.test(line);

export function readSuppressions(text: string): Suppressions {
  const lines = text.split(/\r?\n/);
  const result: Suppressions = { file: new Set(), lines: new Map() };
  const add = (line: number, ids: string[]): void => {
    const set = result.lines.get(line) ?? new Set<string>();
    ids.forEach((id) => set.add(id));
    result.lines.set(line, set);
  };
  let header = true;
  lines.forEach((line, i) => {
    const ids = idsIn(line);
    if (header && !isComment(line) && line.trim() !== "" && line.trim() !== "---") header = false;
    if (ids.length === 0) return;
    if (header) ids.forEach((id) => result.file.add(id));
    add(i + 1, ids);
    if (!isComment(line)) return;
    // A comment line speaks for the first line after its comment block.
    let next = i + 1;
    while (next < lines.length && isComment(lines[next] as string)) next++;
    add(next + 1, ids);
  });
  return result;
}

export function isSuppressed(s: Suppressions, f: Finding): boolean {
  if (s.file.has(f.ruleId)) return true;
  return f.line !== undefined && (s.lines.get(f.line)?.has(f.ruleId) ?? false);
}
