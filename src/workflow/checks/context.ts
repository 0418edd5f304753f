// What every rule module shares: the workflow with its YAML nodes (the model keeps only
// key positions, rules need the exact value node), and one place to report.
import { isScalar, Scalar, type Node } from "yaml";
import { checkPhase } from "../check-rules.js";
import type { Diagnostic, Job, Severity, SourcePos, Workflow } from "../model.js";
import { entries, get, posOf, resolve, type YamlSource } from "../yaml-tree.js";

export interface JobNodes {
  model: Job;
  keyNode: Node;
  node: Node | undefined;
}

export class CheckContext {
  readonly out: Diagnostic[] = [];
  readonly root: Node | undefined;
  readonly on: Node | undefined;
  readonly jobs: JobNodes[];

  constructor(
    readonly workflow: Workflow,
    readonly src: YamlSource,
  ) {
    this.root = resolve(src, src.doc.contents);
    this.on = get(src, this.root, "on") ?? get(src, this.root, "true");
    // buildWorkflow reads the same entries in the same order, so indexes line up.
    this.jobs = entries(src, get(src, this.root, "jobs")).flatMap((e, i) => {
      const model = workflow.jobs[i];
      return model ? [{ model, keyNode: e.keyNode, node: e.value }] : [];
    });
  }

  error(at: Node | SourcePos | undefined, rule: string, message: string, hint: string): void {
    this.report("error", at, rule, message, hint);
  }

  warn(at: Node | SourcePos | undefined, rule: string, message: string, hint: string): void {
    this.report("warning", at, rule, message, hint);
  }

  pos(at: Node | SourcePos | undefined): SourcePos {
    if (at !== undefined && "line" in at && "file" in at) return at;
    return posOf(this.src, at);
  }

  private report(severity: Severity, at: Node | SourcePos | undefined, rule: string, message: string, hint: string): void {
    const p = this.pos(at);
    // Whether GitHub meets the problem only at run time is the rule's, not the call's, to say.
    const runtime = checkPhase(rule) === "runtime";
    this.out.push({ severity, file: this.workflow.path, line: p.line, col: p.col, message, hint, rule, ...(runtime ? { runtime } : {}) });
  }
}

export type Check = (ctx: CheckContext) => void;

/** The string value of a scalar node, or undefined for anything else (numbers and booleans included). */
export function stringOf(src: YamlSource, node: Node | undefined): string | undefined {
  const n = resolve(src, node);
  return isScalar(n) && typeof n.value === "string" ? n.value : undefined;
}

export function hasExpression(text: string): boolean {
  return text.includes("${{");
}

/**
 * Where a character of a scalar's value sits in the file. Exact for one-line scalars and
 * literal blocks (`|`), whose lines map one to one; other multi-line styles fold lines, so
 * the line is approximate there.
 */
export function posInScalar(src: YamlSource, node: Node, offset: number): SourcePos {
  const start = posOf(src, node);
  const n = resolve(src, node);
  if (!isScalar(n) || typeof n.value !== "string") return start;
  const before = n.value.slice(0, offset);
  const newlines = before.split("\n").length - 1;
  if (n.type === Scalar.BLOCK_LITERAL) {
    const lineStart = before.lastIndexOf("\n") + 1;
    const indent = blockIndent(src, node);
    return { file: start.file, line: start.line + 1 + newlines, col: indent + 1 + offset - lineStart };
  }
  if (n.type === Scalar.BLOCK_FOLDED) return { file: start.file, line: start.line + 1 + newlines, col: 1 };
  if (newlines > 0) return { file: start.file, line: start.line + newlines, col: 1 };
  const quoted = n.type === Scalar.QUOTE_SINGLE || n.type === Scalar.QUOTE_DOUBLE ? 1 : 0;
  return { file: start.file, line: start.line, col: start.col + quoted + offset };
}

/** Indentation of a block scalar's content: the line counter knows where its first content line starts. */
function blockIndent(src: YamlSource, node: Node): number {
  const range = (node as { range?: [number, number, number] }).range;
  const header = posOf(src, node);
  const starts = src.lines.lineStarts;
  const contentStart = starts[header.line];
  if (range === undefined || contentStart === undefined) return 0;
  const next = starts[header.line + 1] ?? range[1];
  // The content line holds `indent` spaces then text; the value's first line tells its length.
  const n = resolve(src, node);
  const first = isScalar(n) && typeof n.value === "string" ? (n.value.split("\n")[0] ?? "") : "";
  return Math.max(0, next - contentStart - first.length - 1);
}
