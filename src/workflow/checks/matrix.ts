// `strategy.matrix` written out in the file: empty vectors, and exclude entries that name
// keys the matrix lacks (GitHub rejects those) or values no combination has (they exclude
// nothing, which is never what the author meant).
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { filterMatches } from "../../expr/filter-match.js";
import type { YamlValue } from "../model.js";
import { entries, get, items, resolve, toValue } from "../yaml-tree.js";
import { hasExpression, type CheckContext, type JobNodes } from "./context.js";

const RULE = "matrix";

export interface MatrixNodes {
  node: Node;
  /** Vectors by key, as written; a vector given as an expression has no value nodes. */
  vectors: Map<string, { keyNode: Node; values: Node[] | "dynamic" }>;
  include: Node | undefined;
  exclude: Node | undefined;
}

/** The job's matrix when it is written as a mapping, not produced by an expression. */
export function matrixOf(ctx: CheckContext, job: JobNodes): MatrixNodes | undefined {
  const node = resolve(ctx.src, get(ctx.src, get(ctx.src, job.node, "strategy"), "matrix"));
  if (!isMap(node)) return undefined;
  const vectors: MatrixNodes["vectors"] = new Map();
  let include: Node | undefined;
  let exclude: Node | undefined;
  for (const e of entries(ctx.src, node)) {
    if (e.key === "include") include = e.value;
    else if (e.key === "exclude") exclude = e.value;
    else vectors.set(e.key, { keyNode: e.keyNode, values: isSeq(e.value) ? items(ctx.src, e.value) : "dynamic" });
  }
  return { node, vectors, include, exclude };
}

/** Every value a matrix key can take, from its vector and from include entries; "dynamic" when one is computed. */
export function valuesOfKey(ctx: CheckContext, matrix: MatrixNodes, key: string): Node[] | "dynamic" | undefined {
  const vector = findKey(matrix.vectors, key);
  if (vector?.values === "dynamic") return "dynamic";
  const out = [...(vector?.values ?? [])];
  const include = resolve(ctx.src, matrix.include);
  if (include !== undefined && !isSeq(include)) return "dynamic";
  for (const entry of items(ctx.src, include)) {
    if (!isMap(entry)) return "dynamic";
    for (const e of entries(ctx.src, entry)) if (e.key.toLowerCase() === key.toLowerCase() && e.value) out.push(e.value);
  }
  return vector === undefined && out.length === 0 ? undefined : out;
}

function findKey<T>(map: Map<string, T>, key: string): T | undefined {
  for (const [k, v] of map) if (k.toLowerCase() === key.toLowerCase()) return v;
  return undefined;
}

export function containsExpression(value: YamlValue): boolean {
  if (typeof value === "string") return hasExpression(value);
  if (Array.isArray(value)) return value.some(containsExpression);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsExpression);
  return false;
}

function show(value: YamlValue): string {
  return typeof value === "string" ? `'${value}'` : JSON.stringify(value);
}

export function checkMatrix(ctx: CheckContext): void {
  for (const job of ctx.jobs) {
    const matrix = matrixOf(ctx, job);
    if (!matrix) continue;
    for (const [key, vector] of matrix.vectors) {
      if (vector.values !== "dynamic" && vector.values.length === 0) {
        const at = resolve(ctx.src, get(ctx.src, matrix.node, key)) ?? vector.keyNode;
        ctx.error(at, RULE, `matrix key '${key}' has no values, so the job has no combination to run`, `give '${key}' at least one value, or remove it`);
      }
    }
    for (const [name, list] of [
      ["include", matrix.include],
      ["exclude", matrix.exclude],
    ] as const) {
      const n = resolve(ctx.src, list);
      if (isSeq(n) && n.items.length === 0) ctx.warn(n, RULE, `matrix '${name}' is an empty list`, `remove '${name}'`);
    }
    checkExcludes(ctx, matrix);
  }
}

function checkExcludes(ctx: CheckContext, matrix: MatrixNodes): void {
  const known = [...matrix.vectors.keys()];
  for (const entry of items(ctx.src, matrix.exclude)) {
    for (const e of entries(ctx.src, entry)) {
      const vector = findKey(matrix.vectors, e.key);
      if (vector === undefined) {
        ctx.error(
          e.keyNode,
          RULE,
          `matrix exclude names '${e.key}', which is not a key of the matrix (${known.map((k) => `'${k}'`).join(", ") || "none"}); GitHub rejects it`,
          "exclude applies before include, so it may only name the matrix's own keys; fix the key's spelling",
        );
        continue;
      }
      if (vector.values === "dynamic" || e.value === undefined) continue;
      const wanted = toValue(ctx.src, e.value);
      if (containsExpression(wanted)) continue;
      const candidates = vector.values.map((v) => toValue(ctx.src, v));
      if (candidates.some(containsExpression)) continue;
      if (candidates.some((c) => filterMatches(wanted, c))) continue;
      const at = isScalar(e.value) || isSeq(e.value) || isMap(e.value) ? e.value : e.keyNode;
      ctx.error(
        at,
        RULE,
        `matrix exclude value ${show(wanted)} for '${e.key}' matches none of its values (${candidates.map(show).join(", ")}), so it excludes nothing`,
        `use one of the values of '${e.key}'; a mapping only needs the keys it names to match`,
      );
    }
  }
}
