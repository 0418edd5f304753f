// Expands an already-evaluated `strategy.matrix` into the job combinations GitHub would run,
// and names them the way GitHub's UI does.
//
// Matching (exclude entries, and include values against original matrix values) follows GitHub's
// matrix filters: each scalar leaf of the entry is compared with the expression `==` operator
// (strings case-insensitively, mixed types coerced to numbers), and a mapping in an entry matches a
// mapping in the combination when every key it lists matches, so `{os: macos}` matches
// `{os: macos, fc: gfortran}`. Arrays match element by element and must have the same length.

import { filterMatches, scalarData } from "../expr/filter-match.js";
import type { YamlValue } from "../workflow/model.js";

export type MatrixCombination = { [key: string]: YamlValue };

export interface MatrixResult {
  /** In GitHub's job order; empty whenever `errors` is not. */
  combinations: MatrixCombination[];
  errors: string[];
}

/** GitHub refuses a matrix that yields more jobs than this. */
export const MAX_MATRIX_COMBINATIONS = 256;

/** GitHub cuts display names longer than this and ends them with "...". */
const MAX_DISPLAY_NAME_LENGTH = 100;

type Mapping = { [key: string]: YamlValue };

function isMapping(v: YamlValue | undefined): v is Mapping {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: YamlValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `the ${typeof v} ${JSON.stringify(v)}`;
}

function readEntries(matrix: { readonly [key: string]: YamlValue }, key: "include" | "exclude", errors: string[]): Mapping[] {
  const value = matrix[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    errors.push(`matrix '${key}' must be a list of mappings, but it is ${describe(value)}; write ${key}: [{key: value, ...}, ...]`);
    return [];
  }
  const entries: Mapping[] = [];
  value.forEach((entry, i) => {
    if (isMapping(entry)) entries.push(entry);
    else errors.push(`matrix '${key}' entry ${i + 1} must be a mapping of matrix keys to values, but it is ${describe(entry)}`);
  });
  return entries;
}

function product(vectors: [string, YamlValue[]][], excludes: Mapping[], errors: string[]): MatrixCombination[] {
  if (vectors.length === 0) return [];
  const total = vectors.reduce((n, [, values]) => n * values.length, 1);
  const kept: MatrixCombination[] = [];
  for (let index = 0; index < total; index++) {
    const combo: MatrixCombination = {};
    // The first key varies slowest, which is the order GitHub lists the jobs in.
    let block = total;
    for (const [key, values] of vectors) {
      block /= values.length;
      combo[key] = values[Math.floor(index / block) % values.length] as YamlValue;
    }
    if (excludes.some((ex) => filterMatches(ex, combo))) continue;
    kept.push(combo);
    // Includes never remove combinations, so the limit is already exceeded; stop before
    // enumerating a product that may be far larger.
    if (kept.length > MAX_MATRIX_COMBINATIONS) {
      errors.push(tooManyMessage());
      return [];
    }
  }
  return kept;
}

function tooManyMessage(): string {
  return `the matrix yields more than ${MAX_MATRIX_COMBINATIONS} jobs, GitHub's limit for one matrix; remove values or add exclude entries`;
}

/**
 * Expands an evaluated matrix mapping. Exclude runs before include. Each include entry, in order,
 * is merged into every original combination whose original values it does not contradict (values
 * added by an earlier include may be replaced); an entry that merges into none becomes a new
 * combination after the original ones. Combinations created by include are not merge targets.
 */
export function expandMatrix(matrix: { readonly [key: string]: YamlValue }): MatrixResult {
  const errors: string[] = [];
  const vectors: [string, YamlValue[]][] = [];
  for (const [key, value] of Object.entries(matrix)) {
    if (key === "include" || key === "exclude") continue;
    if (!Array.isArray(value)) {
      errors.push(`matrix '${key}' must be a list of values, but it is ${describe(value)}; write ${key}: [value, ...]`);
    } else if (value.length === 0) {
      errors.push(`Matrix vector '${key}' does not contain any values; give it at least one value or remove it`);
    } else {
      vectors.push([key, value]);
    }
  }
  const includes = readEntries(matrix, "include", errors);
  const excludes = readEntries(matrix, "exclude", errors);
  const vectorKeys = new Set(vectors.map(([key]) => key));
  excludes.forEach((ex, i) => {
    const keys = Object.keys(ex);
    if (keys.length === 0) errors.push(`matrix 'exclude' entry ${i + 1} is empty; it must name at least one matrix key`);
    for (const key of keys) {
      if (vectorKeys.has(key)) continue;
      const known = [...vectorKeys].map((k) => `'${k}'`).join(", ") || "none";
      errors.push(
        `matrix 'exclude' entry ${i + 1} names '${key}', which is not a key of the matrix (keys: ${known}); exclude runs before include, so it cannot name keys that only include adds`,
      );
    }
  });
  if (vectors.length === 0 && includes.length === 0 && errors.length === 0) {
    errors.push("the matrix defines no values; add at least one key with a list of values, or an include list");
  }
  if (errors.length > 0) return { combinations: [], errors };

  const originals = product(vectors, excludes, errors);
  if (errors.length > 0) return { combinations: [], errors };

  const created: MatrixCombination[] = [];
  for (const entry of includes) {
    let merged = false;
    for (const combo of originals) {
      const contradicts = Object.entries(entry).some(([key, value]) => vectorKeys.has(key) && !filterMatches(value, combo[key]));
      if (contradicts) continue;
      merged = true;
      for (const [key, value] of Object.entries(entry)) {
        // An original value that the entry matches stays as the product wrote it.
        if (!vectorKeys.has(key)) combo[key] = value;
      }
    }
    if (!merged) created.push({ ...entry });
  }

  const combinations = [...originals, ...created];
  if (combinations.length > MAX_MATRIX_COMBINATIONS) return { combinations: [], errors: [tooManyMessage()] };
  if (combinations.length === 0) {
    return {
      combinations: [],
      errors: ["exclude removes every combination of the matrix and no include adds one, so the job would have nothing to run; relax the exclude entries"],
    };
  }
  return { combinations, errors: [] };
}

function collectSegments(value: YamlValue, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectSegments(item, out);
  } else if (isMapping(value)) {
    for (const item of Object.values(value)) collectSegments(item, out);
  } else if (value !== null) {
    const text = scalarData(value).coerceString();
    if (text !== "") out.push(text);
  }
}

/**
 * `build (ubuntu-latest, 3.11)`: every scalar of the combination, nested ones included, in key
 * order, written as an expression would write it (so `3.10` unquoted shows as `3.1`). Nulls and
 * empty strings are left out; names over 100 characters are cut as GitHub cuts them.
 */
export function matrixDisplayName(jobName: string, combo: MatrixCombination): string {
  const segments: string[] = [];
  collectSegments(combo, segments);
  const name = segments.length === 0 ? jobName : `${jobName} (${segments.join(", ")})`;
  return name.length > MAX_DISPLAY_NAME_LENGTH ? `${name.slice(0, MAX_DISPLAY_NAME_LENGTH - 3)}...` : name;
}

/**
 * The name a job run shows. A literal `name:` takes the matrix suffix like the job id does; a
 * `name:` holding `${{ }}` is returned unchanged for the caller to evaluate per combination, and
 * GitHub then adds no suffix. An empty `name:` counts as absent.
 */
export function jobDisplayName(jobId: string, explicitName: string | undefined, combo?: MatrixCombination): string {
  const base = explicitName === undefined || explicitName === "" ? jobId : explicitName;
  if (base.includes("${{")) return base;
  return combo === undefined ? base : matrixDisplayName(base, combo);
}

/** The `strategy` context of one matrix job. */
export interface StrategyContext {
  "fail-fast": boolean;
  "job-index": number;
  "job-total": number;
  "max-parallel": number;
}

/** `maxParallel` absent or below 1 means no limit, which GitHub reports as the job total. */
export function strategyContext(index: number, total: number, failFast: boolean, maxParallel?: number): StrategyContext {
  return {
    "fail-fast": failFast,
    "job-index": index,
    "job-total": total,
    "max-parallel": maxParallel !== undefined && maxParallel > 0 ? maxParallel : total,
  };
}
