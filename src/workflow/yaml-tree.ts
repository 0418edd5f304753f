// Thin helpers over the `yaml` package's document nodes, so the model builder can
// read values together with the line and column they came from.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLMap } from "yaml";
import type { SourcePos, YamlValue } from "./model.js";

export interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  return { file, doc, lines };
}

export function resolve(src: YamlSource, node: unknown): Node | undefined {
  if (isAlias(node)) return resolve(src, node.resolve(src.doc));
  return (node ?? undefined) as Node | undefined;
}

export function posOf(src: YamlSource, node: unknown, fallback?: SourcePos): SourcePos {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return fallback ?? { file: src.file, line: 1, col: 1 };
  const p = src.lines.linePos(range[0]);
  return { file: src.file, line: p.line, col: p.col };
}

export interface MapEntry {
  key: string;
  keyNode: Node;
  value: Node | undefined;
}

export function entries(src: YamlSource, node: Node | undefined): MapEntry[] {
  const n = resolve(src, node);
  if (!isMap(n)) return [];
  const out: MapEntry[] = [];
  for (const pair of (n as YAMLMap).items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    out.push({ key, keyNode, value: resolve(src, pair.value) });
  }
  return out;
}

export function get(src: YamlSource, node: Node | undefined, key: string): Node | undefined {
  for (const e of entries(src, node)) if (e.key === key) return e.value;
  return undefined;
}

export function keyNodeOf(src: YamlSource, node: Node | undefined, key: string): Node | undefined {
  for (const e of entries(src, node)) if (e.key === key) return e.keyNode;
  return undefined;
}

export function items(src: YamlSource, node: Node | undefined): Node[] {
  const n = resolve(src, node);
  if (!isSeq(n)) return [];
  return n.items.map((i) => resolve(src, i)).filter((i): i is Node => i !== undefined);
}

export function toValue(src: YamlSource, node: Node | undefined): YamlValue {
  const n = resolve(src, node);
  if (n === undefined) return null;
  if (isScalar(n)) {
    const v = n.value;
    if (v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
    if (typeof v === "bigint") return Number(v);
    return String(v);
  }
  if (isSeq(n)) return items(src, n).map((i) => toValue(src, i));
  if (isMap(n)) {
    const out: { [key: string]: YamlValue } = {};
    for (const e of entries(src, n)) out[e.key] = toValue(src, e.value);
    return out;
  }
  return null;
}

/** GitHub turns YAML scalars into strings the way its own parser prints them (3.10 -> "3.1"). */
export function scalarText(value: YamlValue): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

export function toText(src: YamlSource, node: Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  const v = toValue(src, node);
  return v === null && !isScalar(resolve(src, node)) ? undefined : scalarText(v);
}

export function toStringMap(src: YamlSource, node: Node | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries(src, node)) out[e.key] = scalarText(toValue(src, e.value));
  return out;
}

export function toStringList(src: YamlSource, node: Node | undefined): string[] {
  const n = resolve(src, node);
  if (isSeq(n)) return items(src, n).map((i) => scalarText(toValue(src, i)));
  if (isScalar(n) && n.value !== null) return [scalarText(toValue(src, n))];
  return [];
}

/**
 * Aliases that point at one of their own ancestors. They expand forever, so they
 * must be reported before anything walks the document.
 */
/** Nodes that expanding a document's aliases may add; real workflows stay far below. */
export const MAX_EXPANDED_NODES = 200_000;

function children(node: unknown): unknown[] {
  if (isSeq(node)) return node.items;
  if (isMap(node)) return node.items.flatMap((p) => [(p as { key: unknown }).key, (p as { value: unknown }).value]);
  return [];
}

/**
 * The alias at which expanding the document's aliases adds more than MAX_EXPANDED_NODES nodes
 * (a "billion laughs" document), found without expanding anything; undefined when it stays below.
 * A large document without aliases is not one. Call recursiveAliases first.
 */
export function aliasBomb(src: YamlSource): { pos: SourcePos; anchor: string } | undefined {
  const expanded = new Map<unknown, number>();
  // The size a node has once its aliases are expanded, counted no further than the limit.
  const sizeOf = (node: unknown, ancestors: Set<unknown>): number => {
    const known = expanded.get(node);
    if (known !== undefined) return known;
    if (isAlias(node)) {
      const target = node.resolve(src.doc);
      return target === undefined || ancestors.has(target) ? 1 : sizeOf(target, ancestors);
    }
    let n = 1;
    ancestors.add(node);
    for (const child of children(node)) {
      n += sizeOf(child, ancestors);
      if (n > MAX_EXPANDED_NODES) break;
    }
    ancestors.delete(node);
    expanded.set(node, n);
    return n;
  };
  // Each alias in the file stands for its target's expanded size: the sum of those is what expanding adds.
  let added = 0;
  const stack: unknown[] = [src.doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      added += sizeOf(node, new Set()) - 1;
      if (added > MAX_EXPANDED_NODES) return { pos: posOf(src, node), anchor: node.source };
    } else {
      for (const child of children(node)) stack.push(child);
    }
  }
  return undefined;
}

export function recursiveAliases(src: YamlSource): { pos: SourcePos; anchor: string }[] {
  const found: { pos: SourcePos; anchor: string }[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown, ancestors: Set<unknown>): void => {
    if (isAlias(node)) {
      const target = node.resolve(src.doc);
      if (target === undefined) return;
      if (ancestors.has(target)) {
        found.push({ pos: posOf(src, node), anchor: node.source });
        return;
      }
      walk(target, ancestors);
      return;
    }
    if (isMap(node) || isSeq(node)) {
      if (seen.has(node) && !ancestors.has(node)) return;
      seen.add(node);
      const next = new Set(ancestors).add(node);
      for (const item of node.items) {
        if (isSeq(node)) walk(item, next);
        else {
          const pair = item as { key: unknown; value: unknown };
          walk(pair.key, next);
          walk(pair.value, next);
        }
      }
    }
  };
  walk(src.doc.contents, new Set());
  return found;
}
