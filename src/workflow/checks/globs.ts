// Filter patterns under `on:` (branches, tags, paths, image names) that can never match
// anything: malformed pattern syntax, characters git forbids in ref names, or path forms
// GitHub never produces. GitHub accepts such a workflow and the trigger silently never fires.
import { isScalar, type Node } from "yaml";
import { entries, get, items, resolve, toText } from "../yaml-tree.js";
import { hasExpression, type CheckContext } from "./context.js";

const RULE = "glob";
const CHEAT_SHEET = "see 'Filter pattern cheat sheet' in GitHub's workflow syntax reference";
const REF_KEYS = new Set(["branches", "branches-ignore", "tags", "tags-ignore"]);
const PATH_KEYS = new Set(["paths", "paths-ignore"]);
/** Characters with a meaning in filter patterns; only these may follow a backslash. */
const SPECIAL = new Set(["*", "?", "+", "[", "]", "!", "\\"]);

interface Problem {
  message: string;
  severity: "error" | "warning";
}

/** Pattern syntax shared by every filter: negation, character classes, escapes. */
export function syntaxProblem(pattern: string): Problem | undefined {
  const body = pattern.startsWith("!") ? pattern.slice(1) : pattern;
  if (body === "") return { severity: "error", message: `'${pattern}' negates nothing; a pattern must follow '!'` };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch !== "[") continue;
    const close = body.indexOf("]", i + 1);
    if (close < 0) return { severity: "error", message: `'${pattern}' opens a character class '[' that is never closed` };
    const members = body.slice(i + 1, close);
    if (members === "") return { severity: "error", message: `'${pattern}' has an empty character class '[]'` };
    for (let m = 0; m + 2 < members.length; m++) {
      if (members[m + 1] !== "-") continue;
      const from = members[m] as string;
      const to = members[m + 2] as string;
      if (from > to) return { severity: "error", message: `'${pattern}' has the range '${from}-${to}', which runs backwards and matches nothing` };
      m += 2;
    }
    if (members.length === 1) {
      return { severity: "warning", message: `'${pattern}' uses the one-character class '[${members}]', which is just '${members}'` };
    }
    i = close;
  }
  return undefined;
}

/** What `git check-ref-format` forbids, so a branch or tag pattern containing it never matches. */
export function refProblem(pattern: string): string | undefined {
  const body = pattern.startsWith("!") ? pattern.slice(1) : pattern;
  if (body.startsWith("/")) return `'${pattern}' starts with '/', which git ref names cannot (regular expressions are not supported here)`;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === "\\") {
      const next = body[i + 1];
      if (next === undefined || !SPECIAL.has(next)) return `'${pattern}' has a '\\' that escapes nothing; git ref names cannot contain '\\'`;
      i++;
      continue;
    }
    if (/\s/.test(ch)) return `'${pattern}' contains whitespace, which git ref names cannot contain`;
    if (ch === "~" || ch === "^" || ch === ":") return `'${pattern}' contains '${ch}', which git ref names cannot contain`;
  }
  if (body.endsWith("/") || body.endsWith(".")) return `'${pattern}' ends with '${body.slice(-1)}', which git ref names cannot`;
  if (body.includes("..")) return `'${pattern}' contains '..', which git ref names cannot contain`;
  return undefined;
}

/** Paths GitHub compares with are relative, normalised and unpadded. */
export function pathProblem(pattern: string): string | undefined {
  const body = pattern.startsWith("!") ? pattern.slice(1) : pattern;
  if (body.trim() !== body) return `'${JSON.stringify(pattern).slice(1, -1)}' starts or ends with whitespace, so no changed file matches it`;
  if (body.split("/").some((seg) => seg === "." || seg === "..")) {
    return `'${pattern}' has a '.' or '..' segment; changed files are compared as plain repository-relative paths, so it never matches`;
  }
  return undefined;
}

function checkPattern(ctx: CheckContext, node: Node, kind: "ref" | "path" | "other"): void {
  const pattern = toText(ctx.src, node);
  if (pattern === undefined || pattern === "" || hasExpression(pattern)) return;
  const syntax = syntaxProblem(pattern);
  const hint = `fix the pattern; ${CHEAT_SHEET}`;
  if (syntax?.severity === "error") {
    ctx.error(node, RULE, `invalid filter pattern: ${syntax.message}`, hint);
    return;
  }
  const specific = kind === "ref" ? refProblem(pattern) : kind === "path" ? pathProblem(pattern) : undefined;
  if (specific !== undefined) {
    ctx.error(node, RULE, `filter pattern never matches: ${specific}`, hint);
    return;
  }
  if (syntax) ctx.warn(node, RULE, syntax.message, `write the character without brackets; ${CHEAT_SHEET}`);
}

/** A filter is a list of patterns or, as a shorthand, one pattern. */
function patternNodes(ctx: CheckContext, node: Node | undefined): Node[] {
  const n = resolve(ctx.src, node);
  return isScalar(n) ? [n] : items(ctx.src, n);
}

export function checkGlobs(ctx: CheckContext): void {
  for (const event of entries(ctx.src, ctx.on)) {
    for (const filter of entries(ctx.src, event.value)) {
      const kind = REF_KEYS.has(filter.key) ? "ref" : PATH_KEYS.has(filter.key) ? "path" : undefined;
      const imageKey = event.key === "image_version" && (filter.key === "names" || filter.key === "versions");
      if (kind === undefined && !imageKey) continue;
      for (const p of patternNodes(ctx, filter.value)) checkPattern(ctx, p, kind ?? "other");
    }
  }
  for (const job of ctx.jobs) {
    const version = get(ctx.src, get(ctx.src, job.node, "snapshot"), "version");
    if (version !== undefined) checkPattern(ctx, version, "other");
  }
}
