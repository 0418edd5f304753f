// Runs the server's queued runs: each one fetches its commit into the repository's mirror,
// checks it out, and goes through the same pipeline as `tierci run`, sharing the executor pool
// and the concurrency groups with every other run. What the pipeline records lands in the run
// store; the server's own record says queued / in progress / completed and why.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { ConcurrencyGate } from "../engine/concurrency.js";
import { jobKey, type JobRecord, type Slots } from "../engine/scheduler.js";
import { carryArtifacts } from "../actions/artifacts/carry.js";
import { reapDeadRuns } from "../pipeline/run-ledger.js";
import { runPipeline } from "../pipeline/run-pipeline.js";
import { PipelineRefused, type PipelineResult } from "../pipeline/types.js";
import type { RunStore } from "../store/index.js";
import type { RepoConfig } from "./config.js";
import { GitMirror, MirrorError } from "./git-mirror.js";
import type { LiveLogs } from "./live-logs.js";
import { resolveRun } from "./run-event.js";
import { readSecretsFile, SecretsFileError } from "./secrets-file.js";
import type { RunRequest, ServerConclusion, ServerDb, ServerRun } from "./server-db.js";

export interface RunObserver {
  queued?(run: ServerRun): void;
  started?(run: ServerRun): void;
  finished?(run: ServerRun): void;
}

export interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RunQueueSetup {
  db: ServerDb;
  store: RunStore;
  repos: readonly RepoConfig[];
  dataDir: string;
  pool: Slots;
  concurrency: ConcurrencyGate;
  live: LiveLogs;
  log: Logger;
  observers: RunObserver[];
  /** Runs started at once (fetching, checking out, or running jobs); 16 by default. */
  maxActiveRuns?: number;
  /** Jobs go to agents: one of these per run. */
  remote?: (repo: string, checkout: string) => RemoteJobRunner;
  /** false for a replica that only takes requests; it runs runs once lead() is called. */
  leading?: boolean;
  /** Tells the other replicas a run was queued or a cancel asked for. */
  announce?: () => void;
}

export interface RemoteJobRunner {
  runJob: NonNullable<Parameters<typeof runPipeline>[0]["runJob"]>;
}

/** Said on runs that were in progress when the server stopped (DESIGN.md). */
export const SERVER_STOPPED = "the server stopped";

export class RunQueue {
  private readonly active = new Map<string, AbortController>();
  private readonly running = new Set<Promise<void>>();
  private readonly mirrors = new Map<string, GitMirror>();
  private accepting = true;
  private leading: boolean;
  private readonly maxActive: number;

  constructor(private readonly s: RunQueueSetup) {
    this.maxActive = s.maxActiveRuns ?? 16;
    this.leading = s.leading ?? true;
  }

  /** This replica now runs the runs: it recovers what the last leader left and starts the queued ones. */
  async lead(): Promise<void> {
    this.leading = true;
    await this.recover();
  }

  /** This replica may no longer be the only one running runs: it cancels its own and stops taking more. */
  stopLeading(reason: string): void {
    this.leading = false;
    for (const c of this.active.values()) c.abort(new Error(reason));
  }

  /** Acts on cancels asked for through other replicas. */
  applyCancelRequests(): void {
    if (!this.leading) return;
    for (const r of this.s.db.cancelRequests()) this.cancel(r.id, r.reason);
  }

  mirror(repo: RepoConfig): GitMirror {
    let m = this.mirrors.get(repo.name);
    if (!m) {
      m = new GitMirror(join(this.s.dataDir, "mirrors", `${repo.name}.git`), repo.url);
      this.mirrors.set(repo.name, m);
    }
    return m;
  }

  /**
   * After a stop: the processes and job directories the last server left are cleaned up; runs
   * that had started a job fail, "the server stopped", keeping their logs; runs that had not
   * (waiting for the pool or a concurrency group) and queued ones start again.
   */
  async recover(): Promise<void> {
    for (const repo of this.s.repos) {
      for (const r of await reapDeadRuns(this.stateDir(repo.name))) {
        this.s.log.info(
          { repo: repo.name },
          `cleaned up after a stopped server: ended ${r.processes.length} process(es) and removed ${r.dirs.length} job directory(ies) of run #${r.runNumber}`,
        );
      }
    }
    for (const run of this.s.db.runsWithStatus("in_progress")) {
      const jobs = run.pipelineRunId ? this.s.store.jobsOf(run.pipelineRunId) : [];
      if (!jobs.some((j) => j.startedAt !== null)) {
        this.s.db.requeueRun(run.id);
        continue;
      }
      for (const job of jobs) {
        if (job.conclusion === "cancelled" || job.conclusion === null) this.s.store.finishJob(job.id, "failure", job.finishedAt ?? Date.now());
      }
      this.s.db.finishRun(run.id, { conclusion: "failure", note: SERVER_STOPPED });
      this.s.log.info({ run: run.id }, `run ${run.repo}#${run.number} ended as failed: ${SERVER_STOPPED}`);
    }
    this.kick();
  }

  private stateDir(repo: string): string {
    return join(this.s.dataDir, "state", repo);
  }

  submit(run: ServerRun): void {
    this.tell((o) => o.queued?.(run));
    this.kick();
    this.s.announce?.();
  }

  /**
   * Starts queued runs, oldest first, up to a bound that keeps a burst of deliveries from
   * fetching and checking out hundreds of commits at once; their jobs wait for the shared pool.
   */
  kick(): void {
    if (!this.leading || !this.accepting || this.active.size >= this.maxActive) return;
    // The active runs are the oldest queued ones until they start; read just past them.
    for (const run of this.s.db.runsWithStatus("queued", this.active.size + this.maxActive)) {
      if (this.active.size >= this.maxActive) break;
      if (this.active.has(run.id)) continue;
      const controller = new AbortController();
      this.active.set(run.id, controller);
      const p = this.execute(run, controller.signal).finally(() => {
        this.active.delete(run.id);
        this.running.delete(p);
        this.kick();
      });
      this.running.add(p);
    }
  }

  /** false when the run is not queued or running. */
  cancel(id: string, reason = "cancelled by a user"): boolean {
    const controller = this.active.get(id);
    if (controller) {
      controller.abort(new Error(reason));
      return true;
    }
    const run = this.s.db.getRun(id);
    if (!this.leading) {
      if (run === undefined || run.status === "completed") return false;
      this.s.db.requestCancel(id, reason);
      this.s.announce?.();
      return true;
    }
    if (run?.status !== "queued") return false;
    this.finish(run, { conclusion: "cancelled", note: reason });
    return true;
  }

  /** Takes no new run; running ones get `graceMs` to finish and are then cancelled. */
  async drain(graceMs: number): Promise<void> {
    this.accepting = false;
    const all = Promise.all([...this.running]);
    const timer = setTimeout(() => {
      for (const c of this.active.values()) c.abort(new Error("the server is shutting down"));
    }, graceMs);
    await all;
    clearTimeout(timer);
  }

  /** An observer that fails (metrics, statuses) is logged; it never stops a run or the server. */
  private tell(call: (o: RunObserver) => void): void {
    for (const o of this.s.observers) {
      try {
        call(o);
      } catch (err) {
        this.s.log.error({ err }, "an observer of the run queue failed");
      }
    }
  }

  private repoConfig(name: string): RepoConfig | undefined {
    return this.s.repos.find((r) => r.name === name);
  }

  private original(
    run: ServerRun,
  ):
    | { request: Exclude<RunRequest, { kind: "rerun" }>; workflowFiles?: string[]; kept?: Map<string, Record<string, string>>; keptFrom?: string | null }
    | undefined {
    let req: RunRequest = run.request;
    let narrowed: { workflowFiles: string[]; kept: Map<string, Record<string, string>>; keptFrom: string | null } | undefined;
    for (let hops = 0; req.kind === "rerun" && hops < 100; hops++) {
      const of = this.s.db.getRun(req.of);
      if (!of) return undefined;
      // Re-running failed jobs: the failed workflows only, keeping their jobs that succeeded.
      if (req.failedOnly && narrowed === undefined)
        narrowed = { workflowFiles: failedWorkflows(of), kept: this.s.db.keptOf(of.id), keptFrom: of.pipelineRunId };
      req = of.request;
    }
    return req.kind === "rerun" ? undefined : { request: req, ...narrowed };
  }

  private finish(run: ServerRun, result: { conclusion: ServerConclusion; summary?: unknown; note?: string }): void {
    this.s.db.finishRun(run.id, result);
    const done = this.s.db.getRun(run.id) ?? run;
    this.s.log.info({ run: run.id, conclusion: result.conclusion, note: result.note }, `run ${run.repo}#${run.number} ${result.conclusion}`);
    this.tell((o) => o.finished?.(done));
  }

  private async execute(run: ServerRun, signal: AbortSignal): Promise<void> {
    const repo = this.repoConfig(run.repo);
    const workDir = join(this.s.dataDir, "work", run.id);
    let remote: RemoteJobRunner | undefined;
    try {
      if (!repo) return this.finish(run, { conclusion: "failure", note: `the repository ${run.repo} is no longer in the config` });
      const original = this.original(run);
      if (!original) return this.finish(run, { conclusion: "failure", note: "the run to run again is gone" });
      const resolved = await resolveRun(original.request, run.repo, this.mirror(repo));
      if (resolved.kind === "none") return this.finish(run, { conclusion: "skipped", note: resolved.reason });
      this.s.db.resolveRun(run.id, { ref: resolved.prepared.ref, sha: resolved.prepared.sha });
      if (signal.aborted) return this.finish(run, { conclusion: "cancelled", note: abortReason(signal) });
      const checkout = join(workDir, run.repo.split("/")[1] ?? "repo");
      await this.mirror(repo).checkout(resolved.prepared.sha, checkout);
      const secrets = repo.secretsFile ? readSecretsFile(repo.secretsFile) : {};
      remote = this.s.remote?.(run.repo, checkout);
      const result = await this.runPipeline(run, repo, checkout, resolved, original, secrets, signal, remote);
      if (result.kind === "nothing-fired") return this.finish(run, { conclusion: "skipped", note: `no workflow fires for this ${resolved.event} event` });
      this.s.db.keep(run.id, keepable(result.outcome.jobs, Object.values(secrets)));
      this.finish(run, { conclusion: result.outcome.conclusion, summary: result.summary });
    } catch (err) {
      this.finish(run, { conclusion: signal.aborted ? "cancelled" : "failure", note: this.failureNote(run, err) });
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private runPipeline(
    run: ServerRun,
    repo: RepoConfig,
    checkout: string,
    resolved: Extract<Awaited<ReturnType<typeof resolveRun>>, { kind: "run" }>,
    narrowed: { workflowFiles?: string[]; kept?: ReadonlyMap<string, Record<string, string>>; keptFrom?: string | null },
    secrets: Record<string, string>,
    signal: AbortSignal,
    remote: RemoteJobRunner | undefined,
  ): Promise<PipelineResult> {
    const { store, live, db } = this.s;
    const dispatchInputs = run.request.kind === "dispatch" ? run.request.inputs : {};
    let workflows: string[] = [];
    return runPipeline(
      {
        repo: checkout,
        recordAs: run.repo,
        event: resolved.event,
        prepared: resolved.prepared,
        ...(resolved.workflow ? { workflows: `.github/workflows/${resolved.workflow}` } : {}),
        ...(narrowed.workflowFiles ? { workflowFiles: narrowed.workflowFiles } : {}),
        ...(narrowed.kept ? { kept: narrowed.kept } : {}),
        inputs: dispatchInputs,
        vars: {},
        actor: senderLogin(resolved.prepared.payload),
        secrets,
        env: {},
        gate: true,
        enforceBudgets: false,
        reuseWorkspace: false,
        keepWorkspace: false,
        actionDirs: [],
        offline: false,
        debug: false,
        stateDir: this.stateDir(run.repo),
        store,
        pool: this.s.pool,
        concurrency: this.s.concurrency,
        signal,
        ...(remote ? { runJob: remote.runJob } : {}),
      },
      {
        runStarted: (record) => {
          db.startRun(run.id, record.id, workflows);
          if (narrowed.kept && narrowed.keptFrom) {
            // The kept jobs' artifacts, for the jobs that run again to download.
            const keys = new Set([...narrowed.kept.keys()].map((k) => k.slice(k.lastIndexOf("#") + 1)));
            carryArtifacts(this.stateDir(run.repo), narrowed.keptFrom, { id: record.id, number: record.number }, keys);
          }
          const started = db.getRun(run.id);
          if (started) this.tell((o) => o.started?.(started));
        },
        event: (e) => {
          if (e.type === "tier-start") this.s.log.info({ run: run.id, tier: e.tier }, `run ${run.repo}#${run.number}: tier ${e.tier} started`);
        },
        job: (_ref, _name, jobRowId) => {
          live.jobStarted(jobRowId);
          return {
            stepStart: () => {},
            stepEnd: () => {},
            log: (step, _stream, line) => live.append(jobRowId, line, step),
            annotation: () => {},
          };
        },
        jobEnded: (jobRowId) => live.jobEnded(jobRowId),
        planned: (plan) => (workflows = plan.tiers.flatMap((t) => t.workflows.filter((w) => w.fired).map((w) => w.file))),
      },
    );
  }

  private failureNote(run: ServerRun, err: unknown): string {
    if (err instanceof PipelineRefused) {
      const where = err.diagnostics.slice(0, 20).map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`);
      return [err.message, ...where].join("\n");
    }
    if (err instanceof MirrorError || err instanceof SecretsFileError) return err.message;
    this.s.log.error({ run: run.id, err }, `run ${run.repo}#${run.number} failed inside the server`);
    return `the server could not run it: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Who the event names as its sender (github.actor), or tierci itself for a schedule. */
function senderLogin(payload: Record<string, unknown>): string {
  const login = (payload["sender"] as { login?: unknown } | undefined)?.login;
  return typeof login === "string" ? login : "tierci";
}

function abortReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : "cancelled";
}

/**
 * The jobs a re-run of failed jobs may keep: those that succeeded, with their outputs, unless an
 * output holds a secret (those are neither stored nor kept: the job runs again).
 */
function keepable(jobs: readonly JobRecord[], secrets: readonly string[]): Record<string, Record<string, string>> {
  const kept: Record<string, Record<string, string>> = {};
  for (const job of jobs) {
    if (job.conclusion !== "success" || job.continuedOnError) continue;
    if (Object.values(job.outputs).some((v) => secrets.some((s) => s !== "" && v.includes(s)))) continue;
    kept[jobKey(job.workflow, job.key, job.callers)] = job.outputs;
  }
  return kept;
}

/** The workflow files of a finished run whose jobs did not all succeed. */
function failedWorkflows(run: ServerRun): string[] {
  const summary = run.summary as { jobs?: { workflow: string; conclusion: string }[] } | null;
  const failed = new Set((summary?.jobs ?? []).filter((j) => j.conclusion !== "success" && j.conclusion !== "skipped").map((j) => j.workflow));
  return [...failed];
}
