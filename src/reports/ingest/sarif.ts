// SARIF 2.1.0 results as findings: rule, level, message and the first location, with
// the defaults the specification gives for what a result leaves out.
import { readFile } from "node:fs/promises";
import type { SarifFinding } from "../../formats/report-types.js";
import { IngestError, readFailure } from "./ingest-error.js";
import { parseJsonReport } from "./json-text.js";
import { RepoPaths } from "./repo-paths.js";

type Json = Record<string, unknown>;
type Level = SarifFinding["level"];

const LEVELS = new Set<string>(["error", "warning", "note", "none"]);

function obj(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Message strings use {0}, {1}... for arguments and {{ }} for literal braces. */
function format(template: string, args: unknown[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (m, n: string | undefined) => {
    if (n === undefined) return m[0] ?? "";
    const a = args[Number(n)];
    return typeof a === "string" ? a : m;
  });
}

interface Run {
  tool: string;
  driver: Json;
  extensions: Json[];
  artifacts: unknown[];
  baseIds: Json;
}

function nonNegativeInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** A toolComponent reference names one of tool.extensions, by index or by name; no reference means the driver. */
function componentOf(run: Run, ref: Json | undefined): Json | undefined {
  if (ref === undefined) return run.driver;
  const index = nonNegativeInt(ref.index);
  if (index !== undefined) return run.extensions[index];
  const name = str(ref.name);
  return run.extensions.find((e) => e.name === name) ?? (name === run.driver.name ? run.driver : undefined);
}

function ruleOf(run: Run, result: Json): Json | undefined {
  const ref = obj(result.rule);
  const component = componentOf(run, obj(ref?.toolComponent));
  const index = nonNegativeInt(ref?.index) ?? nonNegativeInt(result.ruleIndex);
  if (index !== undefined) return obj(arr(component?.rules)[index]);
  const id = str(result.ruleId) ?? str(ref?.id);
  if (id === undefined) return undefined;
  for (const c of [component, run.driver, ...run.extensions]) {
    const rule = arr(c?.rules)
      .map(obj)
      .find((r) => r?.id === id);
    if (rule !== undefined) return rule;
  }
  return undefined;
}

function levelOf(result: Json, rule: Json | undefined): Level {
  const own = str(result.level);
  if (own !== undefined && LEVELS.has(own)) return own as Level;
  // A result that is not a failure (pass, review, informational...) has no level unless it says so.
  const kind = str(result.kind);
  if (kind !== undefined && kind !== "fail") return "none";
  const byRule = str(obj(rule?.defaultConfiguration)?.level);
  return byRule !== undefined && LEVELS.has(byRule) ? (byRule as Level) : "warning";
}

function messageOf(run: Run, result: Json, rule: Json | undefined): string {
  const message = obj(result.message);
  const args = arr(message?.arguments);
  const text = str(message?.text) ?? str(message?.markdown);
  if (text !== undefined) return format(text, args);
  const id = str(message?.id);
  if (id !== undefined) {
    const entry = obj(obj(rule?.messageStrings)?.[id]) ?? obj(obj(run.driver.globalMessageStrings)?.[id]);
    const template = str(entry?.text) ?? str(entry?.markdown);
    if (template !== undefined) return format(template, args);
  }
  return str(obj(rule?.shortDescription)?.text) ?? str(obj(rule?.fullDescription)?.text) ?? "";
}

/**
 * The URI of an artifact location with its uriBaseId chain applied (originalUriBaseIds may
 * themselves be relative to another base). A base the file does not define, such as
 * %SRCROOT%, is taken as the repository root, which is what tools mean by it.
 */
function uriOf(run: Run, location: Json, depth = 0): string | undefined {
  let uri = str(location.uri);
  const index = nonNegativeInt(location.index);
  if (uri === undefined && index !== undefined) uri = str(obj(obj(run.artifacts[index])?.location)?.uri);
  if (uri === undefined) return undefined;
  const baseId = str(location.uriBaseId);
  if (baseId === undefined || /^[a-z][a-z0-9+.-]*:/i.test(uri) || depth > 10) return uri;
  const base = obj(run.baseIds[baseId]);
  if (base === undefined) return uri;
  const baseUri = uriOf(run, base, depth + 1);
  if (baseUri === undefined) return uri;
  const joined = baseUri.endsWith("/") ? baseUri + uri.replace(/^\/+/, "") : `${baseUri}/${uri.replace(/^\/+/, "")}`;
  return joined;
}

function pathOf(uri: string, paths: RepoPaths): string {
  if (/^file:/i.test(uri)) return paths.resolve(uri);
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^[A-Za-z]:[\\/]/.test(uri)) return uri;
  let decoded = uri;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    // A stray '%' that is not an escape: the URI is used as written.
  }
  return paths.resolve(decoded);
}

function findingOf(run: Run, result: Json, paths: RepoPaths): SarifFinding {
  const rule = ruleOf(run, result);
  const finding: SarifFinding = {
    tool: run.tool,
    ruleId: str(result.ruleId) ?? str(obj(result.rule)?.id) ?? str(rule?.id) ?? "",
    level: levelOf(result, rule),
    message: messageOf(run, result, rule),
  };
  const physical = obj(obj(arr(result.locations)[0])?.physicalLocation);
  const artifact = obj(physical?.artifactLocation);
  const uri = artifact === undefined ? undefined : uriOf(run, artifact);
  if (uri !== undefined) finding.file = pathOf(uri, paths);
  const region = obj(physical?.region);
  const line = positiveInt(region?.startLine);
  if (line !== undefined) {
    finding.line = line;
    const col = positiveInt(region?.startColumn);
    if (col !== undefined) finding.col = col;
    const endLine = positiveInt(region?.endLine);
    if (endLine !== undefined) finding.endLine = endLine;
    const endCol = positiveInt(region?.endColumn);
    if (endCol !== undefined) finding.endCol = endCol;
  }
  return finding;
}

/** A result suppressed in the source or by the tool (and not merely under review) is not a finding. */
function suppressed(result: Json): boolean {
  return arr(result.suppressions).some((s) => {
    const status = str(obj(s)?.status);
    return status === undefined || status === "accepted";
  });
}

/** Findings of a SARIF 2.1.0 document held in a string. */
export function parseSarif(text: string, repoRoot: string, source = "<string>"): SarifFinding[] {
  const root = obj(parseJsonReport(text, source));
  if (root === undefined || !Array.isArray(root.runs)) throw new IngestError(source, 'not a SARIF log: no "runs" array');
  const version = str(root.version);
  if (version !== undefined && version !== "2.1.0") throw new IngestError(source, `SARIF version ${version} is not supported (only 2.1.0)`);
  const paths = new RepoPaths(repoRoot);
  const findings: SarifFinding[] = [];
  for (const r of root.runs) {
    const run = obj(r);
    if (run === undefined) continue;
    const tool = obj(run.tool);
    const driver = obj(tool?.driver) ?? {};
    const ctx: Run = {
      tool: str(driver.name) ?? "",
      driver,
      extensions: arr(tool?.extensions).map((e) => obj(e) ?? {}),
      artifacts: arr(run.artifacts),
      baseIds: obj(run.originalUriBaseIds) ?? {},
    };
    for (const res of arr(run.results)) {
      const result = obj(res);
      if (result !== undefined && !suppressed(result)) findings.push(findingOf(ctx, result, paths));
    }
  }
  return findings;
}

/** Findings of a SARIF 2.1.0 file, with paths relative to `repoRoot`. Throws IngestError. */
export async function readSarif(file: string, repoRoot: string): Promise<SarifFinding[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw readFailure(file, err);
  }
  return parseSarif(text, repoRoot, file);
}
