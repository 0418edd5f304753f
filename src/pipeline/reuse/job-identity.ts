// A job attempt's identity, taken when it starts: the fingerprint of the tree it is about to
// test and the key of all its inputs, and whether it may reuse an earlier success with that key.
import { join } from "node:path";
import { loadIdKey } from "../../actions/cache/entries.js";
import type { JobAttempt } from "../../engine/scheduler.js";

/** What of a job attempt its identity reads: a plan can make one for a job before it runs. */
export type IdentityJob = Pick<JobAttempt, "workflow" | "job" | "needs"> & { ref: Pick<JobAttempt["ref"], "callers" | "jobId" | "matrix"> };
import { fingerprintTree } from "../../git/tree-fingerprint.js";
import { isBuiltin } from "../../runner/builtin-registry.js";
import { toolCacheRoot } from "../../toolcache/layout.js";
import { reuseWanted, type ReusePolicy } from "../../workflow/reuse-policy.js";
import { inputKey } from "./input-key.js";
import { jobFacts } from "./job-facts.js";

/** policy: as tiers.yml says; all: every job (`--reuse`); none: nothing reuses (`--no-reuse`). */
export type ReuseMode = "policy" | "all" | "none";

export interface IdentityContext {
  repoRoot: string;
  stateDir: string;
  event: { name: string; ref: string };
  vars: Record<string, string>;
  env: Record<string, string>;
  policy: ReusePolicy;
  mode: ReuseMode;
}

export interface JobIdentity {
  tree: string | null;
  inputKey: string | null;
  /** Null when the job may reuse; otherwise why it runs whatever the history holds. */
  noReuse: string | null;
}

function wanted(attempt: IdentityJob, ctx: IdentityContext): string | null {
  if (ctx.mode === "none") return "--no-reuse";
  if (ctx.mode === "all") return null;
  return reuseWanted(ctx.policy, attempt.workflow.workflow.fileName, attempt.ref.jobId) ? null : "reuse is off for this job (see `reuse:` in tiers.yml)";
}

/** Keyed hashes of secrets use the state directory's own random key, kept beside the run database. */
export function reuseSecretKey(stateDir: string): Promise<Buffer> {
  return loadIdKey(join(stateDir, "reuse"));
}

export async function identifyJob(attempt: IdentityJob, secrets: Record<string, string>, ctx: IdentityContext): Promise<JobIdentity> {
  const facts = jobFacts(attempt.job.job, ctx.event.name, isBuiltin);
  const triggers = attempt.workflow.workflow.triggers;
  const filtered = triggers.some((t) => t.event === ctx.event.name && (t.filters.paths !== undefined || t.filters.pathsIgnore !== undefined));
  const print = await fingerprintTree(ctx.repoRoot, ctx.stateDir, { entries: filtered });
  if ("error" in print) return { tree: null, inputKey: null, noReuse: `no tree fingerprint: ${print.error}` };
  const key = inputKey(
    {
      workflowFiles: [...attempt.ref.callers.map((c) => c.slice(0, c.lastIndexOf("#"))), attempt.workflow.file],
      jobId: attempt.ref.jobId,
      event: ctx.event.name,
      ref: ctx.event.ref,
      matrix: attempt.ref.matrix,
      needs: attempt.needs,
      inputs: attempt.workflow.inputs,
      vars: ctx.vars,
      env: ctx.env,
      secrets,
      triggers,
      facts,
      tree: print.tree,
      entries: print.entries ?? [],
      path: ctx.env["PATH"] ?? process.env["PATH"] ?? "",
      toolCache: toolCacheRoot(),
    },
    await reuseSecretKey(ctx.stateDir),
  );
  return { tree: print.tree, inputKey: key, noReuse: wanted(attempt, ctx) ?? facts.impure };
}
