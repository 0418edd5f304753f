// The run stage for one job attempt: record it, run it on this host, ingest the reports it
// wrote, and keep what the summary needs. Every report of the job reaches the store before
// any other sink, so a crash never loses a line that was already shown.
import { join } from "node:path";
import type { JobAttempt, JobExecution } from "../engine/scheduler.js";
import type { Plan } from "../plan/plan-types.js";
import { jobKey, type JobDetails } from "../reports/run-summary.js";
import { referencedSecrets, secretReferences, stringsIn } from "../expr/secret-references.js";
import { secretsForCallee } from "../plan/secrets-for-callee.js";
import { runJob } from "../runner/job-runner.js";
import type { IngestOutcome, IngestRequest } from "../reports/ingest-job.js";
import type { Annotation, JobSink, StepRecord } from "../runner/job-types.js";
import type { RunEvent } from "../runner/run-context.js";
import type { ReportGlobs } from "../workflow/model.js";
import type { RunStore } from "../store/index.js";
import { fanOut, RecordingSink } from "./recording-sink.js";
import { identifyJob, type IdentityContext } from "./reuse/job-identity.js";
import type { PipelineRequest, PipelineSinks } from "./types.js";

export interface JobExecutorSetup {
  req: PipelineRequest;
  sinks: PipelineSinks;
  plan: Plan;
  store: RunStore;
  run: { id: string; number: number };
  event: RunEvent;
  repoRoot: string;
  stateDir: string;
  actionDirs: string[];
  /** Report globs for jobs of tiers that set none. */
  reports: ReportGlobs;
  /** Filled as jobs finish, keyed by jobKey(). */
  details: Map<string, JobDetails>;
  /** The repository as the run history names it (PipelineRequest.recordAs). */
  recordRoot: string;
  reuse: Pick<IdentityContext, "policy" | "mode">;
}

/** What the job's callers pass on to it, narrowed to what its own expressions name, as GitHub sends them. */
function secretsOfJob(attempt: JobAttempt, secrets: Record<string, string>): Record<string, string> {
  const refs = secretReferences([...stringsIn(attempt.job.job), ...stringsIn(attempt.workflow.workflow.env)]);
  return referencedSecrets(secretsForCallee(attempt.callers, secrets), refs);
}

function safeName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]+/g, "_");
}

export function jobExecutor(setup: JobExecutorSetup): (attempt: JobAttempt) => Promise<JobExecution> {
  const { req, sinks, plan, store, run } = setup;
  const workflowNames = new Map(plan.tiers.flatMap((t) => t.workflows.map((w) => [w.file, w.name] as const)));
  const tierReports = new Map(plan.tiers.map((t) => [t.name, t.reports]));
  return async (attempt) => {
    const secrets = secretsOfJob(attempt, req.secrets);
    const identity = await identifyJob(attempt, secrets, {
      repoRoot: setup.repoRoot,
      stateDir: setup.stateDir,
      event: { name: setup.event.name, ref: setup.event.ref },
      vars: req.vars,
      env: req.env,
      ...setup.reuse,
    });
    const reusable = identity.noReuse === null && identity.inputKey !== null ? store.findReusableJob(setup.recordRoot, identity.inputKey) : undefined;
    const row = store.addJob({
      runId: run.id,
      tier: attempt.tier,
      workflow: attempt.ref.workflow,
      jobId: attempt.ref.jobId,
      name: attempt.ref.name,
      matrix: attempt.ref.matrix,
      startedAt: Date.now(),
      tree: identity.tree,
      inputKey: identity.inputKey,
      reusedFrom: reusable?.originJobRowId ?? null,
    });
    const detailsKey = jobKey(attempt.ref.workflow, attempt.ref.key, attempt.ref.callers);
    if (reusable !== undefined) {
      const ref = attempt.ref;
      // Loaded only when a job is reused: copying artifacts is no part of a run that runs everything.
      const { carryReusedJob } = await import("./reuse/carry-reused.js");
      setup.details.set(
        detailsKey,
        carryReusedJob(store, setup.stateDir, reusable, { run, jobRowId: row.id, workflow: ref.workflow, jobId: ref.jobId, key: ref.key, matrix: ref.matrix }),
      );
      store.setJobOutputs(row.id, reusable.outputs);
      store.finishJob(row.id, "success");
      sinks.jobEnded?.(row.id);
      return { conclusion: "success", outputs: reusable.outputs, reason: `reused from run #${reusable.runNumber}` };
    }
    const record: JobDetails = { steps: [], annotations: [], stepSummary: "", reports: [] };
    setup.details.set(detailsKey, record);
    const collect: JobSink = {
      stepStart: () => {},
      stepEnd: (r: StepRecord) => record.steps.push(r),
      log: () => {},
      annotation: (_i, a: Annotation) => record.annotations.push(a),
    };
    const recording = new RecordingSink(store, run.id, row.id);
    const shown = sinks.job?.(attempt.ref, workflowNames.get(attempt.ref.workflow) ?? attempt.workflow.name, row.id);
    const sink = shown ? fanOut(recording, collect, shown) : fanOut(recording, collect);
    const result = await (req.runJob ?? runJob)({
      tier: attempt.tier,
      workflow: attempt.workflow,
      job: attempt.job,
      needs: attempt.needs,
      strategy: { ...attempt.strategy },
      event: setup.event,
      run: { id: String(run.number), number: run.number, attempt: 1 },
      signal: attempt.signal,
      options: {
        runTag: run.id,
        repoRoot: setup.repoRoot,
        stateDir: setup.stateDir,
        reports: {
          globs: tierReports.get(attempt.tier) ?? setup.reports,
          dir: join(setup.stateDir, "reports", String(run.number), `${row.id}-${safeName(attempt.ref.key)}`),
        },
        reuseWorkspace: req.reuseWorkspace,
        keepWorkspace: req.keepWorkspace,
        actionDirs: setup.actionDirs,
        offline: req.offline,
        env: req.env,
        secrets,
        vars: req.vars,
        // ACTIONS_STEP_DEBUG as a secret or variable turns on debug logging, as on GitHub.
        debug: req.debug || req.secrets["ACTIONS_STEP_DEBUG"] === "true" || req.vars["ACTIONS_STEP_DEBUG"] === "true",
      },
      sink,
    });
    record.stepSummary = result.summary;
    record.reports = result.reports;
    const ingested = await ingestReports({ store, jobRowId: row.id, files: result.reportFiles, repoRoot: setup.repoRoot, mask: result.mask });
    const reportSink = fanOut(recording, collect);
    for (const a of ingested.annotations) reportSink.annotation(null, a);
    store.setJobOutputs(row.id, result.outputs);
    store.finishJob(row.id, result.conclusion);
    sinks.jobEnded?.(row.id);
    return { conclusion: result.conclusion, outputs: result.outputs };
  };
}

/** The readers of JUnit, coverage and SARIF load only for a job that wrote such files; most write none. */
async function ingestReports(req: IngestRequest): Promise<Pick<IngestOutcome, "annotations">> {
  if (req.files.length === 0) return { annotations: [] };
  const { ingestJobReports } = await import("../reports/ingest-job.js");
  return ingestJobReports(req);
}
