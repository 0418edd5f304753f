// What every dependency-file parser produces: the packages it pins, and notes on what it
// cannot audit, each with the file and line a reader can go to.
import type { Ecosystem } from "./osv-range.js";

export interface Dependency {
  ecosystem: Ecosystem;
  /** As the file spells it; matching normalizes it. */
  name: string;
  version: string;
  /** Repository-relative, forward slashes. */
  file: string;
  line?: number;
}

export interface AuditNote {
  file: string;
  line?: number;
  message: string;
}

export interface ParseResult {
  dependencies: Dependency[];
  notes: AuditNote[];
}

export function formatNote(n: AuditNote): string {
  return `${n.file}${n.line ? `:${n.line}` : ""}: note: ${n.message}`;
}

/** The 1-based line of the first line matching `pattern`, if any. */
export function lineMatching(text: string, pattern: RegExp): number | undefined {
  const index = text.split("\n").findIndex((l) => pattern.test(l));
  return index < 0 ? undefined : index + 1;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
