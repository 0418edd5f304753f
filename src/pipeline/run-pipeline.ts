// The whole pipeline as one call: load -> plan -> schedule -> run -> record -> report.
// The CLI, the pre-push hook, the server and agents call this; none of the stages below
// knows which of them did.
import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { defaultActionCache } from "../actions/resolve.js";
import { LocalConcurrency } from "../engine/concurrency.js";
import { runPlan, type SchedulerEvent } from "../engine/scheduler.js";
import { buildRunSummary, type JobDetails, type RecordedResults } from "../reports/run-summary.js";
import { defaultStorePath, openStore, type RunStore } from "../store/index.js";
import { defaultStateDir, prepareStateDir } from "../util/state-dir.js";
import { jobExecutor } from "./execute-job.js";
import { reapDeadRuns, recordLiveRun } from "./run-ledger.js";
import { loadForRun } from "./load-stage.js";
import { actorOf, narrowPlan, planForEvent, repositoryName } from "./prepare.js";
import type { PipelineRequest, PipelineResult, PipelineSinks } from "./types.js";

/** Said once per run: where running on this host differs from GitHub's runners. */
export const HOST_NOTE =
  "jobs run directly on this host: runs-on is not honoured, and container jobs, services and Docker actions need a container engine; caches and artifacts stay on this machine";

/** Test totals and merged coverage of the reports the run's jobs wrote, when there were any. */
function recordedResults(store: RunStore, runId: string): RecordedResults {
  const totals = store.testTotals(runId);
  const files = store.coverageOf(runId);
  const valid = files.reduce((n, f) => n + f.linesValid, 0);
  const covered = files.reduce((n, f) => n + f.linesCovered, 0);
  return {
    tests: totals.passed + totals.failed + totals.skipped > 0 ? totals : null,
    lineRate: valid > 0 ? covered / valid : null,
  };
}

export async function runPipeline(req: PipelineRequest, sinks: PipelineSinks = {}): Promise<PipelineResult> {
  const maxJobs = req.maxJobs ?? availableParallelism();
  if (!Number.isInteger(maxJobs) || maxJobs < 1) throw new RangeError(`maxJobs must be a whole number of at least 1, got ${maxJobs}`);
  const stateDir = resolve(req.stateDir ?? defaultStateDir(req.repo));
  const repo = await loadForRun({ ...req, stateDir }, sinks);
  const plan = narrowPlan(planForEvent(repo, req, sinks).plan, req);
  if (!plan.tiers.some((t) => t.workflows.some((w) => w.fired))) return { kind: "nothing-fired", plan };
  sinks.planned?.(plan);
  sinks.note?.(HOST_NOTE);

  prepareStateDir(stateDir);
  for (const r of await reapDeadRuns(stateDir)) {
    sinks.note?.(
      `run #${r.runNumber} was killed before it finished: ended ${r.processes.length} process(es) its steps left running and removed ${r.dirs.length} job directory(ies)`,
    );
  }
  let store = req.store;
  if (!store) {
    const dbPath = req.db ?? (req.stateDir ? join(stateDir, "tierci.db") : defaultStorePath(repo.root));
    mkdirSync(dirname(dbPath), { recursive: true });
    store = openStore(dbPath, req.logBytesPerJob !== undefined ? { logBytesPerJob: req.logBytesPerJob } : {});
  }
  let forget: (() => void) | undefined;
  try {
    const repository = repositoryName(plan.payload);
    const actor = actorOf(req);
    const run = store.createRun({ repoRoot: req.recordAs ?? repo.root, event: plan.event, ref: plan.ref, sha: plan.sha, actor });
    forget = recordLiveRun(stateDir, run.id, run.number);
    sinks.runStarted?.(run);
    const details = new Map<string, JobDetails>();
    const executor = jobExecutor({
      req,
      sinks,
      plan,
      store,
      run,
      event: { name: plan.event, payload: plan.payload, sha: plan.sha, ref: plan.ref, actor, repository },
      repoRoot: repo.root,
      stateDir,
      actionDirs: [...req.actionDirs.map((d) => resolve(d)), defaultActionCache()],
      reports: repo.reports,
      details,
      recordRoot: req.recordAs ?? repo.root,
      reuse: { policy: repo.reuse, mode: req.reuse ?? "policy" },
    });
    const recorder = store;
    const onEvent = (e: SchedulerEvent): void => {
      // A job that never started has no row yet; the record of the run still lists it.
      if (e.type === "job-end" && e.job.startedAt === null) {
        const row = recorder.addJob({ runId: run.id, tier: e.job.tier, workflow: e.job.workflow, jobId: e.job.jobId, name: e.job.name, matrix: e.job.matrix });
        recorder.finishJob(row.id, e.job.conclusion);
      }
      sinks.event?.(e);
    };
    const outcome = await runPlan(plan, executor, {
      maxJobs,
      ...(req.pool ? { pool: req.pool } : {}),
      ...(req.kept ? { kept: req.kept } : {}),
      gate: req.gate,
      enforceBudgets: req.enforceBudgets,
      ...(req.signal ? { signal: req.signal } : {}),
      concurrency: req.concurrency ?? new LocalConcurrency(),
      onEvent,
      context: { actor, repository, vars: req.vars, runId: String(run.number), runNumber: run.number },
    });
    const summary = buildRunSummary({ id: run.id, number: run.number, event: plan.event, repository }, outcome, details, recordedResults(store, run.id));
    store.finishRun(run.id, { conclusion: outcome.conclusion, summary });
    return { kind: "ran", plan, runId: run.id, runNumber: run.number, outcome, summary };
  } finally {
    forget?.();
    if (!req.store) store.close();
  }
}
