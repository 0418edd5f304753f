// Runs as the API shows them (DESIGN.md): the list entry, and the detail that adds the rest of
// the `tierci run --json` summary with each job's id for its log URLs. Everything shown comes
// from the records, which hold masked text only.
import type { JobRecord, RunStore } from "../../store/index.js";
import type { ServerRun } from "../server-db.js";

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function runEntry(run: ServerRun, now = Date.now()): Record<string, unknown> {
  return {
    id: run.id,
    number: run.number,
    repo: run.repo,
    workflow_files: run.workflowFiles,
    event: run.event,
    ref: run.ref,
    sha: run.sha,
    status: run.status,
    conclusion: run.conclusion,
    created_at: iso(run.createdAt),
    started_at: iso(run.startedAt),
    duration_ms: run.startedAt === null ? null : (run.finishedAt ?? now) - run.startedAt,
    note: run.note,
  };
}

interface SummaryShape {
  tiers?: unknown;
  jobs?: { workflow: string; job_id: string; name: string }[];
  artifacts?: unknown;
  caches?: unknown;
  tests?: unknown;
  coverage?: unknown;
}

function jobEntry(job: JobRecord, fromSummary: object | undefined, now: number): Record<string, unknown> {
  const base = {
    tier: job.tier,
    workflow: job.workflow,
    job_id: job.jobId,
    name: job.name,
    matrix: job.matrix,
    status: job.status,
    conclusion: job.conclusion,
    started_at: iso(job.startedAt),
    duration_ms: job.startedAt === null ? 0 : (job.finishedAt ?? now) - job.startedAt,
  };
  return { ...base, ...fromSummary, id: job.id };
}

export function runDetail(run: ServerRun, store: RunStore, now = Date.now()): Record<string, unknown> {
  const summary = (run.summary ?? {}) as SummaryShape;
  const summaryJobs = [...(summary.jobs ?? [])];
  const records = run.pipelineRunId ? store.jobsOf(run.pipelineRunId) : [];
  const jobs = records.map((job) => {
    // The summary lists each job once, in run order; take the first that matches and use it up.
    const i = summaryJobs.findIndex((s) => s.workflow === job.workflow && s.job_id === job.jobId && s.name === job.name);
    const match = i >= 0 ? summaryJobs.splice(i, 1)[0] : undefined;
    return jobEntry(job, match, now);
  });
  return {
    ...runEntry(run, now),
    tiers: summary.tiers ?? [],
    jobs,
    artifacts: summary.artifacts ?? [],
    caches: summary.caches ?? [],
    tests: summary.tests ?? null,
    coverage: summary.coverage ?? null,
  };
}
