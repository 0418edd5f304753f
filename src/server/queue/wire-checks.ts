// What an agent sends is checked before it reaches the store: shapes, kinds and sizes, so a
// broken or hostile agent can neither crash a replica nor write what a job could not have reported.
import type { JobEvent, JobOutcome, RemoteReportFile } from "../../pipeline/remote-job.js";
import type { Annotation, StepInfo, StepRecord } from "../../runner/job-types.js";
import { isDigest } from "./blob-store.js";

const MAX_LINE = 64 * 1024;
const MAX_TEXT = 4096;
const CONCLUSIONS = new Set(["success", "failure", "cancelled", "skipped"]);
const LEVELS = new Set(["error", "warning", "notice"]);
const STREAMS = new Set(["stdout", "stderr", "system"]);
const STAGES = new Set(["pre", "main", "post"]);
const REPORT_KINDS = new Set(["junit", "coverage", "sarif"]);

type Obj = Record<string, unknown>;

function obj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function text(v: unknown, max = MAX_TEXT): v is string {
  return typeof v === "string" && v.length <= max;
}
function optText(v: unknown, max = MAX_TEXT): boolean {
  return v === undefined || text(v, max);
}
function count(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 1e15;
}
function optCount(v: unknown): boolean {
  return v === undefined || count(v);
}
function stepIndex(v: unknown): boolean {
  return v === null || (count(v) && v < 10_000);
}

function stepInfo(v: unknown): v is StepInfo {
  return obj(v) && stepIndex(v["index"]) && v["index"] !== null && text(v["name"]) && optText(v["id"], 200) && STAGES.has(v["stage"] as string);
}

function stepRecord(v: unknown): v is StepRecord {
  return (
    stepInfo(v) &&
    CONCLUSIONS.has((v as unknown as Obj)["outcome"] as string) &&
    CONCLUSIONS.has((v as unknown as Obj)["conclusion"] as string) &&
    count((v as unknown as Obj)["startedAt"]) &&
    count((v as unknown as Obj)["durationMs"])
  );
}

function annotation(v: unknown): v is Annotation {
  return (
    obj(v) &&
    LEVELS.has(v["level"] as string) &&
    text(v["message"], MAX_LINE) &&
    optText(v["title"]) &&
    optText(v["file"]) &&
    [v["line"], v["col"], v["endLine"], v["endColumn"]].every(optCount)
  );
}

export function isJobEvent(v: unknown): v is JobEvent {
  if (!obj(v)) return false;
  switch (v["t"]) {
    case "step-start":
      return stepInfo(v["step"]);
    case "step-end":
      return stepRecord(v["record"]);
    case "log":
      return stepIndex(v["step"]) && STREAMS.has(v["stream"] as string) && text(v["line"], MAX_LINE);
    case "annotation":
      return stepIndex(v["step"]) && annotation(v["annotation"]);
    default:
      return false;
  }
}

function stringRecord(v: unknown, maxEntries: number, maxValue: number): v is Record<string, string> {
  return obj(v) && Object.keys(v).length <= maxEntries && Object.entries(v).every(([k, x]) => k.length <= 200 && text(x, maxValue));
}

function reportFile(v: unknown): v is RemoteReportFile {
  return obj(v) && REPORT_KINDS.has(v["kind"] as string) && text(v["source"]) && text(v["blob"]) && isDigest(v["blob"]);
}

/** Why the outcome is refused, or undefined when it is well formed. */
export function outcomeProblem(v: unknown): string | undefined {
  if (!obj(v)) return "outcome must be an object";
  if (!["success", "failure", "cancelled"].includes(v["conclusion"] as string)) return "outcome.conclusion must be success, failure or cancelled";
  if (!stringRecord(v["outputs"], 1000, 1024 * 1024)) return "outcome.outputs must map names to strings";
  if (!Array.isArray(v["steps"]) || v["steps"].length > 10_000 || !v["steps"].every(stepRecord)) return "outcome.steps must be step records";
  if (!text(v["summary"], 1024 * 1024)) return "outcome.summary must be text of at most 1 MiB";
  if (
    !Array.isArray(v["reports"]) ||
    v["reports"].length > 1000 ||
    !v["reports"].every((r) => obj(r) && ["cache", "artifact", "coverage"].includes(r["kind"] as string))
  )
    return "outcome.reports must be cache, artifact or coverage reports";
  if (!Array.isArray(v["reportFiles"]) || v["reportFiles"].length > 1000 || !v["reportFiles"].every(reportFile))
    return "outcome.reportFiles must name uploaded blobs";
  if (v["artifacts"] !== null && !(typeof v["artifacts"] === "string" && isDigest(v["artifacts"]))) return "outcome.artifacts must be a blob digest or null";
  return undefined;
}

/** Every blob an outcome names. */
export function blobsOf(outcome: JobOutcome): string[] {
  return [...outcome.reportFiles.map((r) => r.blob), ...(outcome.artifacts ? [outcome.artifacts] : [])];
}
