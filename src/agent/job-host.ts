// One leased job on this machine: the commit from the server's bundle, the run's artifacts so far,
// the job run by the same runner as `tierci run` with its reports streamed back, then its report
// files and new artifacts uploaded and its outcome sent.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { artifactsRoot } from "../actions/artifacts/store.js";
import { eventSink, fromJobSpec, type JobOutcome, type JobSpec, type RemoteReportFile } from "../pipeline/remote-job.js";
import { runJob } from "../runner/job-runner.js";
import { ServerAnswer, TokenRefused, type AgentClient } from "./agent-client.js";
import { downloadBlob, uploadBlob } from "./blob-transfer.js";
import { EventBatcher } from "./event-batcher.js";
import { AgentSharedCache } from "./shared-cache.js";

const exec = promisify(execFile);

/** A job as the server leases it (docs/agent-protocol.md). */
export interface LeasedJob {
  id: number;
  lease: string;
  spec: JobSpec;
  secrets: Record<string, string>;
  source: { blob: string; sha: string };
  artifacts: string | null;
  lease_ms: number;
}

export interface HostSetup {
  client: AgentClient;
  /** The agent's working directory: sources, per-job directories, tierci's state (caches). */
  work: string;
  name: string;
}

export type HostEnd = { kind: "completed"; conclusion: JobOutcome["conclusion"] } | { kind: "released" } | { kind: "lost"; reason: string };

async function git(args: string[], cwd?: string): Promise<void> {
  await exec("git", args, { ...(cwd ? { cwd } : {}), maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
}

/** The bundle, fetched once per content and kept for the next job of the same commit. */
async function bundleOf(h: HostSetup, blob: string): Promise<string> {
  const dir = join(h.work, "sources");
  const path = join(dir, `${blob}.bundle`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const part = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
  try {
    await downloadBlob(h.client, blob, part);
    renameSync(part, path);
  } finally {
    rmSync(part, { force: true });
  }
  return path;
}

/** A checkout with the refs the server's checkout has (branches, remote branches, tags), at the commit. */
async function checkout(bundle: string, dir: string, sha: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await git(["init", "--quiet", dir]);
  await git(["fetch", "--quiet", "--update-head-ok", bundle, "+refs/*:refs/*"], dir);
  await git(["remote", "add", "origin", bundle], dir);
  await git(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", sha], dir);
}

function manifests(dir: string): Map<string, string> {
  const seen = new Map<string, string>();
  if (!existsSync(dir)) return seen;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, "manifest.json");
    seen.set(name, existsSync(file) ? readFileSync(file, "utf8") : "");
  }
  return seen;
}

async function tarOf(dir: string, names: string[]): Promise<Buffer> {
  return (await exec("tar", ["-C", dir, "-cf", "-", "--", ...names], { encoding: "buffer", maxBuffer: 8 * 1024 * 1024 * 1024 })).stdout;
}

async function failBeforeStart(h: HostSetup, job: LeasedJob, batcher: EventBatcher, message: string): Promise<HostEnd> {
  batcher.push({ t: "annotation", step: null, annotation: { level: "error", message } });
  await batcher.close();
  const outcome: JobOutcome = { conclusion: "failure", outputs: {}, steps: [], summary: "", reports: [], reportFiles: [], artifacts: null };
  await h.client.request("POST", `/api/agent/jobs/${job.id}/complete`, { json: { lease: job.lease, outcome } });
  return { kind: "completed", conclusion: "failure" };
}

export async function hostJob(h: HostSetup, job: LeasedJob, stop: { signal: AbortSignal; stopping(): boolean }): Promise<HostEnd> {
  const jobDir = join(h.work, "jobs", String(job.id));
  const stateDir = join(h.work, "state");
  const repoName = job.spec.event.repository.split("/").pop() || "repo";
  const cancel = new AbortController();
  let lostReason: string | undefined;
  const batcher = new EventBatcher(h.client, job.id, job.lease, job.lease_ms, {
    cancel: () => cancel.abort(new Error("the run was cancelled")),
    lost: (reason) => {
      lostReason = reason;
      cancel.abort(new Error(reason));
    },
  });
  const onStop = (): void => cancel.abort(new Error("the agent was told to stop"));
  stop.signal.addEventListener("abort", onStop, { once: true });
  try {
    const repoRoot = join(jobDir, repoName);
    const artifacts = join(artifactsRoot(stateDir), job.spec.runTag);
    try {
      await checkout(await bundleOf(h, job.source.blob), repoRoot, job.source.sha);
      rmSync(artifacts, { recursive: true, force: true });
      mkdirSync(artifacts, { recursive: true });
      if (job.artifacts !== null) {
        const tar = join(jobDir, "artifacts.tar");
        await downloadBlob(h.client, job.artifacts, tar);
        await exec("tar", ["-C", artifacts, "-xf", tar, "--no-same-owner"]);
        rmSync(tar, { force: true });
      }
    } catch (err) {
      if (err instanceof TokenRefused) throw err;
      // The job fails here, saying why, rather than going back to the queue to fail the same way elsewhere.
      return await failBeforeStart(h, job, batcher, `the agent ${h.name} could not prepare the job: ${(err as Error).message.split("\n")[0] ?? ""}`);
    }
    if (stop.stopping() || cancel.signal.aborted) {
      batcher.abandon();
      await h.client.request("POST", `/api/agent/jobs/${job.id}/release`, { json: { lease: job.lease } }).catch(() => undefined);
      return { kind: "released" };
    }
    // From here on the job may have effects: the server is told first, so a lease lost from now on
    // fails the job instead of running it again on another agent.
    try {
      const answer = await h.client.json<{ cancel?: boolean }>("POST", `/api/agent/jobs/${job.id}/heartbeat`, { json: { lease: job.lease, starting: true } });
      if (answer.cancel === true) cancel.abort(new Error("the run was cancelled"));
    } catch (err) {
      if (err instanceof ServerAnswer && err.status === 409) return { kind: "lost", reason: err.message };
      throw err;
    }
    const before = manifests(artifacts);
    const result = await runJob(
      fromJobSpec(job.spec, {
        repoRoot,
        stateDir,
        reportsDir: join(jobDir, "reports"),
        actionDirs: [],
        secrets: job.secrets,
        signal: cancel.signal,
        sink: eventSink((e) => batcher.push(e)),
        runnerName: h.name,
        sharedCache: new AgentSharedCache(h.client, job.id, job.lease, join(jobDir, "cache-transfer")),
      }),
    );
    await batcher.close();
    if (lostReason !== undefined) return { kind: "lost", reason: lostReason };
    const reportFiles: RemoteReportFile[] = [];
    for (const r of result.reportFiles) {
      const masked = Buffer.from(result.mask(readFileSync(r.path, "utf8")));
      reportFiles.push({ kind: r.kind, source: r.source, blob: await uploadBlob(h.client, masked) });
    }
    const after = manifests(artifacts);
    const changed = [...after].filter(([name, manifest]) => before.get(name) !== manifest).map(([name]) => name);
    const outcome: JobOutcome = {
      conclusion: result.conclusion,
      outputs: result.outputs,
      steps: result.steps,
      summary: result.summary,
      reports: result.reports,
      reportFiles,
      artifacts: changed.length > 0 ? await uploadBlob(h.client, await tarOf(artifacts, changed)) : null,
    };
    try {
      await h.client.request("POST", `/api/agent/jobs/${job.id}/complete`, { json: { lease: job.lease, outcome } });
    } catch (err) {
      if (err instanceof ServerAnswer && err.status === 409) return { kind: "lost", reason: err.message };
      throw err;
    }
    return { kind: "completed", conclusion: result.conclusion };
  } finally {
    batcher.abandon();
    stop.signal.removeEventListener("abort", onStop);
    rmSync(jobDir, { recursive: true, force: true });
  }
}
