// `tierci run`: plan, then run the tiers on this host, recording everything.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { defaultActionCache } from "../../actions/resolve.js";
import { runPlan, type JobAttempt, type JobExecution, type SchedulerEvent } from "../../engine/scheduler.js";
import { selectJob } from "../../plan/select-jobs.js";
import { ingestJobReports } from "../../reports/ingest-job.js";
import { buildRunSummary, jobKey, type JobDetails, type RecordedResults } from "../../reports/run-summary.js";
import type { Annotation, JobSink, StepRecord } from "../../runner/job-types.js";
import { runJob } from "../../runner/job-runner.js";
import { defaultStorePath, openStore, type RunStore } from "../../store/index.js";
import { fanOut, RecordingSink } from "../../store/recording-sink.js";
import { formatDuration } from "../../workflow/duration.js";
import { UsageError } from "../key-values.js";
import { style, writeJson, type Out } from "../output.js";
import { loadValid, planFor, type EventOptions } from "../prepare.js";
import { mark, PlainProgress, TreeProgress, type Progress } from "../progress.js";
import { readSecretFile, secretsForCallee } from "../secrets.js";

export interface RunOptions extends EventOptions {
  json?: string;
  job?: string;
  secret: Record<string, string>;
  secretFile?: string;
  env: Record<string, string>;
  jobs?: string;
  gate: boolean;
  enforceBudgets: boolean;
  reuseWorkspace: boolean;
  keepWorkspace: boolean;
  actionDir: string[];
  offline: boolean;
  db?: string;
  stateDir?: string;
  debug: boolean;
}

function maxJobs(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs must be a whole number of at least 1, got '${value}'`);
  return n;
}

/** tierci's state lives inside the repository by default; keep git (and job snapshots) from seeing it. */
function prepareStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ".gitignore"), "*\n");
}

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

export async function runCommand(out: Out, opts: RunOptions): Promise<number> {
  const jobsAtOnce = maxJobs(opts.jobs);
  const secrets = { ...(opts.secretFile ? readSecretFile(opts.secretFile) : {}), ...opts.secret };
  const repo = await loadValid(out, opts);
  let { plan } = await planFor(out, repo, opts);
  if (opts.job !== undefined) {
    const narrowed = selectJob(plan, opts.job);
    if (!narrowed) throw new UsageError(`no workflow that fires for '${opts.event}' has a job '${opts.job}'; see \`tierci plan --event ${opts.event}\``);
    plan = narrowed;
  }
  if (!plan.tiers.some((t) => t.workflows.some((w) => w.fired))) {
    out.err(`no workflow fires for '${opts.event}'; see \`tierci plan --event ${opts.event}\` for why`);
    return 0;
  }
  out.err(style.dim("note: jobs run directly on this host: runs-on is not honoured, and container jobs, services and Docker actions need a container engine; caches and artifacts stay on this machine"));

  const stateDir = resolve(opts.stateDir ?? join(repo.root, ".tierci"));
  prepareStateDir(stateDir);
  const dbPath = opts.db ?? (opts.stateDir ? join(stateDir, "tierci.db") : defaultStorePath(repo.root));
  mkdirSync(dirname(dbPath), { recursive: true });
  const store = openStore(dbPath);
  const repository = (plan.payload["repository"] as { full_name?: string } | undefined)?.full_name ?? "local/repository";
  const actor = opts.actor ?? process.env["USER"] ?? "local";
  const run = store.createRun({ repoRoot: repo.root, event: plan.event, ref: plan.ref, sha: plan.sha, actor });
  const progress: Progress = process.stdout.isTTY && opts.json !== "-" ? new TreeProgress(process.stdout) : new PlainProgress(opts.json === "-" ? { log: out.err, err: out.err } : out);
  const details = new Map<string, JobDetails>();
  const workflowNames = new Map(plan.tiers.flatMap((t) => t.workflows.map((w) => [w.file, w.name] as const)));
  const tierReports = new Map(plan.tiers.map((t) => [t.name, t.reports]));

  const cancel = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      out.err(style.yellow("cancelling the run (Ctrl-C again to stop at once)"));
      cancel.abort();
    } else process.exit(130);
  };
  process.on("SIGINT", onSigint);

  const executor = async (attempt: JobAttempt): Promise<JobExecution> => {
    const row = store.addJob({ runId: run.id, tier: attempt.tier, workflow: attempt.ref.workflow, jobId: attempt.ref.jobId, name: attempt.ref.name, matrix: attempt.ref.matrix, startedAt: Date.now() });
    const record: JobDetails = { steps: [], annotations: [], stepSummary: "", reports: [] };
    details.set(jobKey(attempt.ref.workflow, attempt.ref.key, attempt.ref.callers), record);
    const collect: JobSink = {
      stepStart: () => {},
      stepEnd: (r: StepRecord) => record.steps.push(r),
      log: () => {},
      annotation: (_i, a: Annotation) => record.annotations.push(a),
    };
    const sink = fanOut(new RecordingSink(store, run.id, row.id), collect, progress.jobSink(attempt.ref, workflowNames.get(attempt.ref.workflow) ?? attempt.workflow.name));
    const result = await runJob({
      tier: attempt.tier,
      workflow: attempt.workflow,
      job: attempt.job,
      needs: attempt.needs,
      strategy: { ...attempt.strategy },
      event: { name: plan.event, payload: plan.payload, sha: plan.sha, ref: plan.ref, actor, repository },
      run: { id: String(run.number), number: run.number, attempt: 1 },
      signal: attempt.signal,
      options: {
        repoRoot: repo.root,
        stateDir,
        reports: {
          globs: tierReports.get(attempt.tier) ?? repo.reports,
          dir: join(stateDir, "reports", String(run.number), `${row.id}-${attempt.ref.key.replace(/[^A-Za-z0-9._-]+/g, "_")}`),
        },
        reuseWorkspace: opts.reuseWorkspace,
        keepWorkspace: opts.keepWorkspace,
        actionDirs: [...opts.actionDir.map((d) => resolve(d)), defaultActionCache()],
        offline: opts.offline,
        env: opts.env,
        secrets: secretsForCallee(attempt.callers, secrets),
        vars: opts.var,
        // ACTIONS_STEP_DEBUG as a secret or variable turns on debug logging, as on GitHub.
        debug: opts.debug || secrets["ACTIONS_STEP_DEBUG"] === "true" || opts.var["ACTIONS_STEP_DEBUG"] === "true",
      },
      sink,
    });
    record.stepSummary = result.summary;
    record.reports = result.reports;
    const ingested = await ingestJobReports({ store, jobRowId: row.id, files: result.reportFiles, repoRoot: repo.root, mask: result.mask });
    const reportSink = fanOut(new RecordingSink(store, run.id, row.id), collect);
    for (const a of ingested.annotations) reportSink.annotation(null, a);
    store.finishJob(row.id, result.conclusion);
    return { conclusion: result.conclusion, outputs: result.outputs };
  };

  const onEvent = (e: SchedulerEvent): void => {
    if (e.type === "job-end" && e.job.startedAt === null) {
      const row = store.addJob({ runId: run.id, tier: e.job.tier, workflow: e.job.workflow, jobId: e.job.jobId, name: e.job.name, matrix: e.job.matrix });
      store.finishJob(row.id, e.job.conclusion);
    }
    progress.event(e);
  };

  let outcome;
  try {
    outcome = await runPlan(plan, executor, {
      maxJobs: jobsAtOnce,
      gate: opts.gate,
      enforceBudgets: opts.enforceBudgets,
      signal: cancel.signal,
      onEvent,
      context: { actor, repository, vars: opts.var, runId: String(run.number), runNumber: run.number },
    });
  } finally {
    process.off("SIGINT", onSigint);
    progress.close();
  }
  const summary = buildRunSummary({ id: run.id, number: run.number, event: plan.event, repository }, outcome, details, recordedResults(store, run.id));
  store.finishRun(run.id, { conclusion: outcome.conclusion, summary });
  store.close();
  if (opts.json !== undefined) writeJson(opts.json, summary);
  const say = opts.json === "-" ? out.err : out.log;
  say("");
  for (const t of outcome.tiers) {
    const budget = t.budgetMs ? ` / budget ${formatDuration(t.budgetMs)}` : "";
    say(`${mark(t.status)} tier ${t.name}: ${t.status} ${style.dim(`${formatDuration(t.durationMs)}${budget}`)}${t.reason ? style.dim(` (${t.reason})`) : ""}`);
  }
  for (const j of summary.jobs.filter((x) => x.conclusion === "failure")) {
    const failed = j.steps.find((s) => s.outcome === "failure");
    say(style.red(`✗ ${j.workflow} / ${j.name}${failed ? `: step '${failed.name}' failed` : ""}`));
    for (const a of j.annotations.filter((x) => x.level === "error")) say(`    ${a.file ? `${a.file}${a.line ? `:${a.line}` : ""}: ` : ""}${a.message}`);
  }
  say(`${mark(outcome.conclusion)} run #${run.number} ${outcome.conclusion}; logs: tierci logs ${run.number}${opts.repo !== "." ? ` --repo ${opts.repo}` : ""}`);
  return outcome.conclusion === "success" ? 0 : 1;
}
