// Path patterns matched segment by segment the way @actions/glob drives minimatch
// (dot files included, no braces or extglobs, `**` across directories, later
// patterns overriding earlier ones). hashFiles and upload-artifact both search so.
import picomatch from "picomatch";

export const GLOBSTAR = Symbol("**");
export type Segment = string | typeof GLOBSTAR | ((name: string) => boolean);

export interface SegmentPattern {
  negate: boolean;
  segments: Segment[];
  /** Written with a trailing slash: names directories only. */
  directoryOnly: boolean;
}

export const MATCH_DIRECTORY = 1;
export const MATCH_FILE = 2;
export const MATCH_ALL = MATCH_DIRECTORY | MATCH_FILE;

const GLOB_OPTIONS = { dot: true, nobrace: true, noextglob: true, nonegate: true, posix: true, windows: false };

export function compileSegment(text: string): Segment {
  if (text === "**") return GLOBSTAR;
  if (!/[*?[]/.test(text)) return text.replace(/\\(.)/g, "$1");
  // minimatch with nobrace/noext reads these characters literally; picomatch would not, and
  // it negates a bracket set only with "[^", where minimatch also takes "[!".
  const source = text.replace(/[(){}+@|]/g, "\\$&").replace(/(^|[^\\])\[!/g, "$1[^");
  return picomatch(source, GLOB_OPTIONS);
}

function segmentMatches(segment: Segment, name: string): boolean {
  return typeof segment === "string" ? segment === name : segment !== GLOBSTAR && segment(name);
}

function matches(pattern: Segment[], path: string[], from: number, at: number): boolean {
  for (let i = from; i < pattern.length; i++, at++) {
    const segment = pattern[i] as Segment;
    if (segment === GLOBSTAR) {
      for (let rest = at; rest <= path.length; rest++) if (matches(pattern, path, i + 1, rest)) return true;
      return false;
    }
    const name = path[at];
    if (name === undefined || !segmentMatches(segment, name)) return false;
  }
  return at === path.length;
}

/** Whether something below `path` could match: minimatch's partial match as @actions/glob uses it. */
export function partiallyMatches(pattern: Segment[], path: string[]): boolean {
  for (const [i, name] of path.entries()) {
    const segment = pattern[i];
    if (segment === undefined) return false;
    if (segment === GLOBSTAR) return true;
    if (!segmentMatches(segment, name)) return false;
  }
  return true;
}

/** MATCH_* bits for a path; later patterns win, a negated one takes away what earlier ones matched. */
export function matchKind(patterns: SegmentPattern[], path: string[]): number {
  let result = 0;
  for (const p of patterns) {
    const kind = matches(p.segments, path, 0, 0) ? (p.directoryOnly ? MATCH_DIRECTORY : MATCH_ALL) : 0;
    result = p.negate ? result & ~kind : result | kind;
  }
  return result;
}
