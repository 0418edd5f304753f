// GitHub Actions filter patterns for `branches`, `tags` and `paths` (the "filter pattern
// cheat sheet"). They look like globs but are not: `?` and `+` quantify the preceding
// character, as in a regular expression, and lists are ordered with `!` negation.

export class FilterPatternError extends Error {
  override readonly name = "FilterPatternError";
  constructor(
    readonly pattern: string,
    readonly problem: string,
  ) {
    super(`invalid filter pattern '${pattern}': ${problem}`);
  }
}

export interface CompiledFilter {
  /** The pattern as written, including a leading `!`. */
  pattern: string;
  negated: boolean;
  regex: RegExp;
}

// Only syntax characters may be escaped under the `u` flag, and `-` is one only inside a class.
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;
const CLASS_SPECIAL = /[\\^[\]-]/;

function escapeChar(ch: string): string {
  return REGEX_SPECIAL.test(ch) ? `\\${ch}` : ch;
}

function escapeClassChar(ch: string): string {
  return CLASS_SPECIAL.test(ch) ? `\\${ch}` : ch;
}

function isRangeable(ch: string): boolean {
  return /^[a-zA-Z0-9]$/.test(ch);
}

/** Translates a `[...]` class starting at `start` (the `[`); returns its regex and the index after `]`. */
function translateClass(body: string, start: number, pattern: string): { regex: string; next: number } {
  const members: string[] = [];
  let i = start + 1;
  while (i < body.length && body[i] !== "]") {
    let ch = body[i] as string;
    if (ch === "\\") {
      i++;
      if (i >= body.length) throw new FilterPatternError(pattern, "it ends with an escape character '\\'");
      ch = body[i] as string;
    }
    const dash = body[i + 1] === "-" && i + 2 < body.length && body[i + 2] !== "]";
    if (dash) {
      const end = body[i + 2] as string;
      if (!isRangeable(ch) || !isRangeable(end) || ch > end) {
        throw new FilterPatternError(pattern, `range '${ch}-${end}' must go upwards within a-z, A-Z or 0-9`);
      }
      members.push(`${ch}-${end}`);
      i += 3;
    } else {
      members.push(escapeClassChar(ch));
      i++;
    }
  }
  if (i >= body.length) throw new FilterPatternError(pattern, "'[' has no closing ']'");
  if (members.length === 0) throw new FilterPatternError(pattern, "'[]' is empty");
  return { regex: `[${members.join("")}]`, next: i + 1 };
}

function translate(pattern: string): CompiledFilter {
  const negated = pattern.startsWith("!");
  const body = negated ? pattern.slice(1) : pattern;
  if (body === "") throw new FilterPatternError(pattern, "it is empty");
  let out = "";
  // Whether the last piece emitted is a single character or class that `?`/`+` may quantify.
  let quantifiable = false;
  let i = 0;
  while (i < body.length) {
    const ch = body[i] as string;
    if (ch === "*") {
      if (body[i + 1] === "*") {
        // `**/` also matches no directory at all, so `docs/**/*.md` matches `docs/README.md`.
        if (body[i + 2] === "/") {
          out += "(?:.*/)?";
          i += 3;
        } else {
          out += ".*";
          i += 2;
        }
      } else {
        out += "[^/]*";
        i++;
      }
      quantifiable = false;
    } else if (ch === "?" || ch === "+") {
      if (!quantifiable) {
        throw new FilterPatternError(pattern, `'${ch}' must follow a character or a [class]; escape it as '\\${ch}' to match it literally`);
      }
      out += ch;
      quantifiable = false;
      i++;
    } else if (ch === "[") {
      const cls = translateClass(body, i, pattern);
      out += cls.regex;
      i = cls.next;
      quantifiable = true;
    } else if (ch === "\\") {
      const next = body[i + 1];
      if (next === undefined) throw new FilterPatternError(pattern, "it ends with an escape character '\\'");
      out += escapeChar(next);
      i += 2;
      quantifiable = true;
    } else {
      out += escapeChar(ch);
      i++;
      quantifiable = true;
    }
  }
  return { pattern, negated, regex: new RegExp(`^${out}$`, "u") };
}

// Workflows repeat the same few patterns across events and runs; compile each once.
const cache = new Map<string, CompiledFilter>();

/** Compiles one pattern; throws FilterPatternError when it is malformed. */
export function compileFilter(pattern: string): CompiledFilter {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    compiled = translate(pattern);
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** The problem with a pattern, for validators, or undefined when it is well-formed. */
export function filterPatternProblem(pattern: string): string | undefined {
  try {
    compileFilter(pattern);
    return undefined;
  } catch (err) {
    if (err instanceof FilterPatternError) return err.problem;
    throw err;
  }
}

/** The last pattern of an ordered list that matches `value`, positive or negated. */
export function lastMatchingFilter(value: string, patterns: readonly string[]): CompiledFilter | undefined {
  for (let i = patterns.length - 1; i >= 0; i--) {
    const compiled = compileFilter(patterns[i] as string);
    if (compiled.regex.test(value)) return compiled;
  }
  return undefined;
}

/** Whether an ordered pattern list selects `value`: the last matching pattern must be positive. */
export function matchesFilters(value: string, patterns: readonly string[]): boolean {
  const last = lastMatchingFilter(value, patterns);
  return last !== undefined && !last.negated;
}

export interface IncludeIgnoreResult {
  included: boolean;
  /** Which list decided: the include list, the ignore list, or neither (no filter given). */
  decidedBy: "include" | "ignore" | "none";
  /** The pattern that decided, when one matched. */
  pattern?: string;
}

/**
 * A branch or tag against a `branches`/`branches-ignore` (or `tags`/`tags-ignore`) pair.
 * GitHub rejects a workflow that sets both lists for one event; if both arrive anyway the
 * value must pass both.
 */
export function matchesIncludeIgnore(value: string, include: readonly string[] | undefined, ignore: readonly string[] | undefined): IncludeIgnoreResult {
  if (include !== undefined) {
    const last = lastMatchingFilter(value, include);
    if (last === undefined || last.negated) return { included: false, decidedBy: "include", pattern: last?.pattern };
    if (ignore === undefined) return { included: true, decidedBy: "include", pattern: last.pattern };
  }
  if (ignore !== undefined) {
    const last = lastMatchingFilter(value, ignore);
    return { included: last === undefined || last.negated, decidedBy: "ignore", pattern: last?.pattern };
  }
  return { included: true, decidedBy: "none" };
}

export interface PathFilterResult {
  fired: boolean;
  /** When fired: a changed file that made it fire. */
  file?: string;
}

/**
 * Changed files against `paths`/`paths-ignore`. `paths` fires when at least one file is
 * selected; `paths-ignore` holds back only when every file is ignored. An empty change set
 * has nothing for `paths` to select and nothing for `paths-ignore` to ignore, so `paths`
 * holds back and `paths-ignore` fires.
 */
export function matchesPathFilters(
  files: readonly string[],
  paths: readonly string[] | undefined,
  pathsIgnore: readonly string[] | undefined,
): PathFilterResult {
  if (paths === undefined && pathsIgnore === undefined) return { fired: true };
  if (files.length === 0) return { fired: paths === undefined };
  for (const file of files) {
    if (paths !== undefined && !matchesFilters(file, paths)) continue;
    if (pathsIgnore !== undefined && matchesFilters(file, pathsIgnore)) continue;
    return { fired: true, file };
  }
  return { fired: false };
}
