// A reused job's record: what the run it reuses recorded of it, copied into this run so that the
// run stands on its own (its summary, report, annotations, tests, coverage and artifacts), and
// one log line saying where it came from.
import { carryArtifacts } from "../../actions/artifacts/carry.js";
import type { BuiltinReport } from "../../actions/builtin-types.js";
import type { JobDetails, RunSummary, SummaryJob } from "../../reports/run-summary.js";
import type { Annotation } from "../../runner/job-types.js";
import type { ReusableJob, RunStore } from "../../store/index.js";
import { canonicalJson } from "../../util/canonical-json.js";

export interface ReuseTarget {
  run: { id: string; number: number };
  jobRowId: number;
  /** The job as the summary names it: workflow path, job id, matrix and its key inside the workflow. */
  workflow: string;
  jobId: string;
  key: string;
  matrix: Readonly<Record<string, unknown>> | null;
}

function sourceSummaryJob(store: RunStore, from: ReusableJob, to: ReuseTarget): { job?: SummaryJob; summary?: RunSummary } {
  const summary = store.getRun(from.runId)?.summary as RunSummary | null | undefined;
  if (!summary) return {};
  const matrix = canonicalJson(to.matrix);
  return { summary, job: summary.jobs.find((j) => j.workflow === to.workflow && j.job_id === to.jobId && canonicalJson(j.matrix) === matrix) };
}

/** Copies the reused job's results into `to` and returns what the summary shows of it. */
export function carryReusedJob(store: RunStore, stateDir: string, from: ReusableJob, to: ReuseTarget): JobDetails {
  store.carryJobResults(from.jobRowId, to.jobRowId);
  carryArtifacts(stateDir, from.runId, to.run, new Set([to.key]));
  store.appendLog({
    jobRowId: to.jobRowId,
    stepIndex: null,
    stream: "system",
    text: `Reused from run #${from.runNumber}: every input of this job is identical to that success`,
  });
  const annotations: Annotation[] = store
    .annotationsOf(to.run.id)
    .filter((a) => a.jobRowId === to.jobRowId)
    .map((a) => ({
      level: a.level,
      message: a.message,
      ...(a.title !== null ? { title: a.title } : {}),
      ...(a.file !== null ? { file: a.file } : {}),
      ...(a.line !== null ? { line: a.line } : {}),
      ...(a.col !== null ? { col: a.col } : {}),
      ...(a.endLine !== null ? { endLine: a.endLine } : {}),
      ...(a.endCol !== null ? { endColumn: a.endCol } : {}),
    }));
  const { job, summary } = sourceSummaryJob(store, from, to);
  const artifacts: BuiltinReport[] = (summary?.artifacts ?? [])
    .filter((a) => job !== undefined && a.job === job.name)
    .map((a) => ({ kind: "artifact", name: a.name, files: a.files, bytes: a.bytes, retentionDays: a.retention_days }));
  return { steps: [], annotations, stepSummary: job?.step_summary ?? "", reports: artifacts, reusedFrom: from.runNumber };
}
