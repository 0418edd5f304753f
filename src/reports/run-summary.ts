// The `--json FILE` run summary of DESIGN.md. Field names and status words are a
// contract with users' scripts; change them only with the design.
import { jobKey } from "../engine/types.js";
import type { BuiltinReport } from "../actions/builtin-types.js";
import type { RunOutcome } from "../engine/scheduler.js";
import type { Annotation, StepRecord } from "../runner/job-types.js";
import type { YamlValue } from "../workflow/model.js";

export interface SummaryStep {
  name: string;
  id: string | null;
  outcome: string;
  conclusion: string;
  duration_ms: number;
}

export interface SummaryJob {
  tier: string;
  workflow: string;
  job_id: string;
  name: string;
  matrix: Record<string, YamlValue> | null;
  status: "completed";
  conclusion: string;
  /** null for a job that never started. */
  started_at: string | null;
  duration_ms: number;
  steps: SummaryStep[];
  annotations: { level: string; file: string | null; line: number | null; message: string }[];
  /** The job's GITHUB_STEP_SUMMARY Markdown, masked; empty when no step wrote one. */
  step_summary: string;
  /** The run whose success this job reused instead of running (its inputs were identical); absent when it ran. */
  reused_from?: { run: number };
}

export interface RunSummary {
  run_id: string;
  run_number: number;
  status: string;
  event: string;
  repository: string;
  tiers: { name: string; status: string; started_at: string | null; duration_ms: number; budget_ms: number | null }[];
  jobs: SummaryJob[];
  artifacts: { name: string; job: string; files: number; bytes: number; retention_days: number }[];
  caches: { key: string; hit: boolean; restored_key: string | null }[];
  /** Exact hits over cache restores; null when no cache was restored. */
  cache_hit_rate: number | null;
  /** null when no job wrote a test report. */
  tests: { passed: number; failed: number; skipped: number } | null;
  coverage: { line_rate: number } | null;
}

/** What the runner reported for one job, keyed like the scheduler's JobRef. */
export interface JobDetails {
  steps: StepRecord[];
  annotations: Annotation[];
  stepSummary: string;
  reports: BuiltinReport[];
  /** The number of the run whose success the job reused. */
  reusedFrom?: number;
}

export { jobKey };

/** What the record stage made of the reports the jobs wrote. */
export interface RecordedResults {
  tests: { passed: number; failed: number; skipped: number } | null;
  lineRate: number | null;
}

/** Coverage from the ingested reports, else from what coverage actions parsed themselves. */
function coverageOf(reports: BuiltinReport[], recorded: RecordedResults): RunSummary["coverage"] {
  if (recorded.lineRate !== null) return { line_rate: recorded.lineRate };
  let covered = 0;
  let valid = 0;
  for (const r of reports) {
    if (r.kind !== "coverage") continue;
    covered += r.linesCovered;
    valid += r.linesValid;
  }
  return valid > 0 ? { line_rate: covered / valid } : null;
}

export function buildRunSummary(
  run: { id: string; number: number; event: string; repository: string },
  outcome: RunOutcome,
  details: ReadonlyMap<string, JobDetails>,
  recorded: RecordedResults,
): RunSummary {
  const reported = outcome.jobs.flatMap((j) => (details.get(jobKey(j.workflow, j.key, j.callers))?.reports ?? []).map((r) => ({ job: j.name, r })));
  const caches = reported.flatMap(({ r }) => (r.kind === "cache" ? [{ key: r.key, hit: r.hit, restored_key: r.restoredKey }] : []));
  return {
    run_id: run.id,
    run_number: run.number,
    status: outcome.conclusion,
    event: run.event,
    repository: run.repository,
    tiers: outcome.tiers.map((t) => ({
      name: t.name,
      status: t.status,
      started_at: t.startedAt === null ? null : new Date(t.startedAt).toISOString(),
      duration_ms: t.durationMs,
      budget_ms: t.budgetMs,
    })),
    jobs: outcome.jobs.map((j): SummaryJob => {
      const d = details.get(jobKey(j.workflow, j.key, j.callers));
      return {
        tier: j.tier,
        workflow: j.workflow,
        job_id: j.jobId,
        name: j.name,
        matrix: j.matrix,
        status: "completed",
        conclusion: j.conclusion,
        started_at: j.startedAt === null ? null : new Date(j.startedAt).toISOString(),
        duration_ms: j.durationMs,
        steps: (d?.steps ?? []).map((s) => ({ name: s.name, id: s.id ?? null, outcome: s.outcome, conclusion: s.conclusion, duration_ms: s.durationMs })),
        annotations: (d?.annotations ?? []).map((a) => ({ level: a.level, file: a.file ?? null, line: a.line ?? null, message: a.message })),
        step_summary: d?.stepSummary ?? "",
        ...(d?.reusedFrom !== undefined ? { reused_from: { run: d.reusedFrom } } : {}),
      };
    }),
    artifacts: reported.flatMap(({ job, r }) =>
      r.kind === "artifact" ? [{ name: r.name, job, files: r.files, bytes: r.bytes, retention_days: r.retentionDays }] : [],
    ),
    caches,
    cache_hit_rate: caches.length ? caches.filter((c) => c.hit).length / caches.length : null,
    tests: recorded.tests,
    coverage: coverageOf(
      reported.map(({ r }) => r),
      recorded,
    ),
  };
}
