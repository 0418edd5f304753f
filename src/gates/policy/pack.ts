// Policy packs: YAML files of rules on the lines a change adds and removes. A pack with a
// mistake is refused as a whole, with the place of each mistake, rather than half applied.
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { filterPatternProblem } from "../../glob/filter-pattern.js";
import { entries, get, items, parseYamlSource, posOf, resolve, type YamlSource } from "../../workflow/yaml-tree.js";

export type PolicySeverity = "BLOCK" | "WARN";

export interface PackRule {
  id: string;
  severity: PolicySeverity;
  description: string;
  /** GitHub filter patterns, in order, `!` excluding; every file when absent. */
  paths: string[];
  added?: RegExp;
  removed?: RegExp;
  minChangedLines?: number;
  requiresJustification: boolean;
  justificationPattern?: RegExp;
}

export interface PolicyPack {
  file: string;
  rules: PackRule[];
}

export class PolicyPackError extends Error {
  override readonly name = "PolicyPackError";
}

const KEYS = new Set(["id", "severity", "description", "paths", "added", "removed", "min_changed_lines", "requires_justification", "justification_pattern"]);

/**
 * A pattern as written in a pack. Packs are often shared with Python tools, so a leading
 * inline flag group such as `(?i)` is read as the flags it names.
 */
export function packRegex(source: string, extraFlags = ""): RegExp {
  const inline = /^\(\?([ims]+)\)/.exec(source);
  const flags = new Set([...extraFlags, ...(inline?.[1] ?? "")]);
  return new RegExp(inline ? source.slice(inline[0].length) : source, [...flags].join(""));
}

class PackReader {
  readonly problems: { line: number; text: string }[] = [];

  constructor(private readonly src: YamlSource) {}

  problem(node: Node | undefined, message: string): void {
    const p = posOf(this.src, node);
    this.problems.push({ line: p.line, text: `${p.file}:${p.line}:${p.col}: ${message}` });
  }

  string(rule: Node, key: string, where: string): string | undefined {
    const node = get(this.src, rule, key);
    if (node === undefined) return undefined;
    if (isScalar(node) && (typeof node.value === "string" || typeof node.value === "number")) return String(node.value);
    this.problem(node, `${where}: '${key}' must be a string`);
    return undefined;
  }

  regex(rule: Node, key: string, where: string, flags = ""): RegExp | undefined {
    const source = this.string(rule, key, where);
    if (source === undefined) return undefined;
    try {
      return packRegex(source, flags);
    } catch (err) {
      this.problem(get(this.src, rule, key), `${where}: '${key}' is not a valid regular expression: ${(err as Error).message}`);
      return undefined;
    }
  }

  rule(node: Node, index: number, seen: Set<string>): PackRule | undefined {
    if (!isMap(node)) {
      this.problem(node, `rule ${index + 1} must be a mapping with at least 'id' and 'severity'`);
      return undefined;
    }
    const id = this.string(node, "id", `rule ${index + 1}`);
    const where = id ? `rule '${id}'` : `rule ${index + 1}`;
    for (const e of entries(this.src, node)) if (!KEYS.has(e.key)) this.problem(e.keyNode, `${where}: unknown key '${e.key}' (known: ${[...KEYS].join(", ")})`);
    if (id === undefined || id.trim() === "") this.problem(node, `${where}: 'id' is required`);
    else if (seen.has(id)) this.problem(get(this.src, node, "id"), `${where}: the id is used by an earlier rule`);
    else seen.add(id);
    const severity = this.string(node, "severity", where) ?? "WARN";
    if (severity !== "BLOCK" && severity !== "WARN")
      this.problem(get(this.src, node, "severity"), `${where}: severity must be BLOCK or WARN, not '${severity}'`);
    const pathsNode = get(this.src, node, "paths");
    const paths =
      pathsNode === undefined ? ["**"] : isSeq(resolve(this.src, pathsNode)) ? items(this.src, pathsNode).map((i) => String(isScalar(i) ? i.value : "")) : [];
    if (pathsNode !== undefined && (paths.length === 0 || paths.some((p) => p === "")))
      this.problem(pathsNode, `${where}: 'paths' must be a non-empty list of glob patterns`);
    for (const p of paths) {
      const bad = p === "" ? undefined : filterPatternProblem(p);
      if (bad) this.problem(pathsNode, `${where}: path pattern '${p}' is invalid: ${bad}`);
    }
    const minNode = get(this.src, node, "min_changed_lines");
    const min = minNode === undefined ? undefined : isScalar(minNode) ? Number(minNode.value) : NaN;
    if (min !== undefined && (!Number.isInteger(min) || min < 1)) this.problem(minNode, `${where}: 'min_changed_lines' must be a whole number of at least 1`);
    const justNode = get(this.src, node, "requires_justification");
    const requiresJustification = justNode !== undefined && isScalar(justNode) && justNode.value === true;
    if (justNode !== undefined && !(isScalar(justNode) && typeof justNode.value === "boolean"))
      this.problem(justNode, `${where}: 'requires_justification' must be true or false`);
    return {
      id: id ?? "",
      severity: severity === "BLOCK" ? "BLOCK" : "WARN",
      description: this.string(node, "description", where) ?? id ?? "",
      paths,
      added: this.regex(node, "added", where),
      removed: this.regex(node, "removed", where),
      minChangedLines: min,
      requiresJustification,
      // Justifications are prose, written by people: any case, any line.
      justificationPattern: this.regex(node, "justification_pattern", where, "im"),
    };
  }
}

export function parsePack(file: string, text: string): PolicyPack {
  const src = parseYamlSource(file, text);
  if (src.doc.errors.length > 0) {
    const err = src.doc.errors[0];
    const p = src.lines.linePos(err?.pos[0] ?? 0);
    throw new PolicyPackError(`${file}:${p.line}:${p.col}: the policy pack is not valid YAML: ${err?.message.split("\n")[0]}`);
  }
  const root = resolve(src, src.doc.contents);
  const rulesNode = get(src, root, "rules");
  if (!isSeq(resolve(src, rulesNode))) throw new PolicyPackError(`${file}: a policy pack needs a 'rules:' list`);
  const reader = new PackReader(src);
  const seen = new Set<string>();
  const rules = items(src, rulesNode).flatMap((n, i) => reader.rule(n, i, seen) ?? []);
  if (reader.problems.length > 0)
    throw new PolicyPackError(
      `invalid policy pack:\n${reader.problems
        .sort((a, b) => a.line - b.line)
        .map((p) => p.text)
        .join("\n")}`,
    );
  return { file, rules };
}
