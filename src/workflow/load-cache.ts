// Kept results of src/workflow/analyze-file.ts in the state directory, keyed by each file's path
// and text and by the build of tierci that computed them (scripts/analysis-version.js). A hit
// gives the same model and diagnostics the analysis would, and spares loading the workflow
// parser, the expression library and the YAML library at all.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ResultCache } from "../util/result-cache.js";
import { prepareStateDir } from "../util/state-dir.js";
import type { FileAnalysis } from "./analyze-file.js";
import type { Diagnostic } from "./model.js";
import type { TiersResult } from "./tiers.js";

const VERSION_FILE = new URL("./analysis-version.json", import.meta.url);

/** The build's analysis version, or undefined (no caching) when the build wrote none. */
export function analysisVersion(): string | undefined {
  try {
    const { version } = JSON.parse(readFileSync(VERSION_FILE, "utf8")) as { version?: unknown };
    return typeof version === "string" && version !== "" ? version : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const optional = (v: unknown, type: "string" | "boolean"): boolean => v === undefined || typeof v === type;

function isDiagnostic(d: unknown): d is Diagnostic {
  return (
    isRecord(d) &&
    (d["severity"] === "error" || d["severity"] === "warning") &&
    typeof d["file"] === "string" &&
    Number.isInteger(d["line"]) &&
    Number.isInteger(d["col"]) &&
    typeof d["message"] === "string" &&
    typeof d["rule"] === "string" &&
    optional(d["hint"], "string") &&
    optional(d["runtime"], "boolean")
  );
}

const areDiagnostics = (v: unknown): v is Diagnostic[] => Array.isArray(v) && v.every(isDiagnostic);

/** A workflow analysis of the file at `path`. */
function isAnalysisOf(path: string): (v: unknown) => v is FileAnalysis {
  return (v): v is FileAnalysis => {
    if (!isRecord(v) || !areDiagnostics(v["diagnostics"])) return false;
    const w = v["workflow"];
    if (w === undefined) return true;
    return (
      isRecord(w) &&
      w["path"] === path &&
      typeof w["fileName"] === "string" &&
      typeof w["name"] === "string" &&
      Array.isArray(w["jobs"]) &&
      Array.isArray(w["triggers"])
    );
  };
}

function isTiersResult(v: unknown): v is TiersResult {
  return isRecord(v) && Array.isArray(v["tiers"]) && isRecord(v["reports"]) && areDiagnostics(v["diagnostics"]);
}

export class LoadCache {
  private readonly cache: ResultCache;
  private prepared = false;

  private constructor(
    private readonly stateDir: string,
    version: string,
  ) {
    // Structured clones are written in V8's format, which a newer V8 may read differently.
    this.cache = new ResultCache(join(stateDir, "workflow-cache"), `${version}\0${process.versions.v8}`);
  }

  /** The cache in `stateDir`, or undefined when this build cannot name its analysis. */
  static open(stateDir: string, version = analysisVersion()): LoadCache | undefined {
    return version === undefined ? undefined : new LoadCache(stateDir, version);
  }

  workflow(path: string, text: string): FileAnalysis | undefined {
    return this.cache.get(path, [path, text], isAnalysisOf(path));
  }

  keepWorkflow(path: string, text: string, analysis: FileAnalysis): void {
    this.keep(path, [path, text], analysis);
  }

  tiers(path: string, text: string, names: readonly string[]): TiersResult | undefined {
    return this.cache.get(path, [path, text, ...names], isTiersResult);
  }

  keepTiers(path: string, text: string, names: readonly string[], result: TiersResult): void {
    this.keep(path, [path, text, ...names], result);
  }

  private keep(slot: string, inputs: readonly string[], value: unknown): void {
    if (!this.prepared) {
      try {
        prepareStateDir(this.stateDir);
      } catch {
        // A checkout tierci may not write to: it keeps nothing and analyses every time.
        return;
      }
      this.prepared = true;
    }
    this.cache.set(slot, inputs, value);
  }
}
