// The server's side of a job that runs on an agent: the job goes on the queue with the commit as
// a git bundle and the run's artifacts so far, and what the agent reports is replayed into the
// run's sinks (the store first) as if the job ran here. The outcome's reports and artifacts land
// where a local job leaves them, so ingestion, the summary and later jobs see no difference.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { artifactsRoot } from "../../actions/artifacts/store.js";
import { replayEvent, toJobSpec, type JobOutcome } from "../../pipeline/remote-job.js";
import type { CollectedReport } from "../../runner/collect-reports.js";
import type { JobRequest, JobResult, JobSink } from "../../runner/job-types.js";
import { Masker } from "../../runner/masker.js";
import { maskingSink } from "../../runner/masking-sink.js";
import { runGit } from "../git-process.js";
import { isDigest, type BlobStore } from "./blob-store.js";
import { MissingBlob, type JobQueue } from "./job-queue.js";
import { CHANNELS, type Notifier } from "./notifier.js";
import { jobLabels } from "./runs-on.js";
import { packDirectory, unpackInto } from "../../util/tar-files.js";

/** How long a job waits for an agent before its log says which labels nobody has. */
const WAIT_NOTE_MS = 10_000;
const REPORT_KINDS = new Set(["junit", "coverage", "sarif"]);

export interface RemoteSetup {
  queue: JobQueue;
  blobs: BlobStore;
  notifier: Notifier;
  /** This server's name in the queue: jobs it handed out are its own. */
  owner: string;
}

/** The jobs of one run that go to agents. */
export class RemoteRun {
  private source: Promise<string> | undefined;

  constructor(
    private readonly s: RemoteSetup,
    private readonly repo: string,
    private readonly checkout: string,
  ) {}

  readonly runJob = async (req: JobRequest): Promise<JobResult> => {
    const masker = new Masker();
    for (const v of Object.values(req.options.secrets)) masker.addSecret(v);
    const sink = maskingSink(req.sink, masker);
    const ended = (conclusion: JobResult["conclusion"]): JobResult => ({
      conclusion,
      outputs: {},
      steps: [],
      summary: "",
      reports: [],
      reportFiles: [],
      mask: (t) => masker.mask(t),
    });
    let labels: string[];
    try {
      labels = jobLabels(req);
    } catch (err) {
      sink.annotation(null, {
        level: "error",
        message: `runs-on could not be evaluated: ${(err as Error).message}`,
        file: req.workflow.file,
        line: req.job.job.pos.line,
        col: req.job.job.pos.col,
      });
      return ended("failure");
    }
    if (req.signal.aborted) return ended("cancelled");
    const id = await this.enqueue(req, labels);
    const cancel = (): void => void this.s.queue.requestCancel(id).catch(() => undefined);
    req.signal.addEventListener("abort", cancel, { once: true });
    try {
      return await this.follow(id, req, sink, labels, masker, ended);
    } catch (err) {
      sink.annotation(null, { level: "error", message: `the server lost track of the job on its agent: ${(err as Error).message}` });
      return ended("failure");
    } finally {
      req.signal.removeEventListener("abort", cancel);
      await this.s.queue.forget(id);
    }
  };

  private async follow(
    id: number,
    req: JobRequest,
    sink: JobSink,
    labels: string[],
    masker: Masker,
    ended: (c: JobResult["conclusion"]) => JobResult,
  ): Promise<JobResult> {
    const queuedAt = Date.now();
    let seq = 0;
    let noted = false;
    const replay = async (): Promise<void> => {
      for (let batch = await this.s.queue.eventsAfter(id, seq); batch.length > 0; batch = await this.s.queue.eventsAfter(id, seq)) {
        for (const e of batch) {
          replayEvent(sink, e.body);
          seq = e.seq;
        }
      }
    };
    for (;;) {
      await replay();
      const state = await this.s.queue.state(id);
      if (!state || state.status === "cancelled") return ended("cancelled");
      if (state.status === "done" && state.outcome) {
        await replay();
        return this.result(req, state.outcome, masker);
      }
      if (state.status === "lost") {
        await replay();
        sink.annotation(null, {
          level: "error",
          message: `the agent stopped responding (${state.agent ?? "unknown agent"}): its lease ran out while the job was running`,
        });
        return ended("failure");
      }
      if (state.status === "queued" && !noted && Date.now() - queuedAt >= WAIT_NOTE_MS) {
        noted = true;
        const agents = await this.s.queue.agentsSeen(5 * 60_000);
        const seen = agents.length === 0 ? "no agent is connected" : `connected agents: ${agents.map((a) => `${a.name} (${a.labels.join(", ")})`).join("; ")}`;
        sink.log(null, "system", `Waiting for an agent with the labels ${labels.join(", ")}; ${seen}.`);
      }
      await this.s.notifier.wait(CHANNELS.job, 1000, String(id));
    }
  }

  private async result(req: JobRequest, outcome: JobOutcome, masker: Masker): Promise<JobResult> {
    const reportFiles: CollectedReport[] = [];
    const wanted = req.options.reports;
    if (wanted) {
      mkdirSync(wanted.dir, { recursive: true });
      for (const [i, r] of outcome.reportFiles.entries()) {
        if (!isDigest(r.blob) || !REPORT_KINDS.has(r.kind)) continue;
        const path = join(wanted.dir, `${i}-${basename(r.source).replace(/[^A-Za-z0-9._-]+/g, "_")}`);
        await this.s.blobs.toFile(r.blob, path);
        reportFiles.push({ kind: r.kind, path, source: r.source });
        await this.s.blobs.markRunUse(r.blob);
      }
    }
    if (outcome.artifacts !== null && isDigest(outcome.artifacts)) {
      const dir = join(artifactsRoot(req.options.stateDir), req.options.runTag ?? req.run.id);
      try {
        await unpackInto(await this.s.blobs.toBuffer(outcome.artifacts), dir);
      } catch (err) {
        req.sink.annotation(null, { level: "error", message: `the job's artifacts could not be kept: ${(err as Error).message}` });
      }
      await this.s.blobs.markRunUse(outcome.artifacts);
    }
    return {
      conclusion: outcome.conclusion,
      outputs: outcome.outputs,
      steps: outcome.steps,
      summary: masker.mask(outcome.summary),
      reports: outcome.reports,
      reportFiles,
      mask: (text) => masker.mask(text),
    };
  }

  /** The commit under test and every ref of the server's checkout, as a bundle, made once per run. */
  /** Queues the job; a blob collected since this run made it (see BlobStore.collectUnused) is made again. */
  private async enqueue(req: JobRequest, labels: string[]): Promise<number> {
    const runTag = req.options.runTag ?? req.run.id;
    for (let attempt = 1; ; attempt++) {
      const source = await this.sourceBlob();
      try {
        return await this.s.queue.enqueue({
          owner: this.s.owner,
          repo: this.repo,
          runId: runTag,
          name: req.job.name,
          labels,
          spec: toJobSpec(req),
          source,
          sha: req.event.sha,
          artifacts: await this.artifactsBlob(join(artifactsRoot(req.options.stateDir), runTag)),
        });
      } catch (err) {
        if (!(err instanceof MissingBlob) || attempt >= 3) throw err;
        if (err.digests.includes(source)) this.source = undefined;
      }
    }
  }

  private sourceBlob(): Promise<string> {
    this.source ??= (async () => {
      const file = join(tmpdir(), `tierci-bundle-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.bundle`);
      try {
        const r = await runGit(["bundle", "create", "--quiet", file, "HEAD", "--all"], { cwd: this.checkout, timeoutMs: 10 * 60_000 });
        if (r.code !== 0) throw new Error(`git bundle failed: ${r.stderr.trim()}`);
        return await this.s.blobs.put(readFileSync(file));
      } finally {
        rmSync(file, { force: true });
      }
    })();
    return this.source;
  }

  private async artifactsBlob(dir: string): Promise<string | null> {
    if (!existsSync(dir) || readdirSync(dir).length === 0) return null;
    return this.s.blobs.put(await packDirectory(dir));
  }
}
