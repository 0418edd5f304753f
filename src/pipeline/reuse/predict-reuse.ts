// `tierci plan`'s answer to "what would run?": for each job, whether it would reuse an earlier
// success and from which run, or why it would run. A job is predicted from what is known before
// the run: its needs must be predicted reused too (their outputs are then the recorded ones).
import type { NeedResult } from "../../engine/types.js";
import { secretReferences, stringsIn } from "../../expr/secret-references.js";
import { reuseKey } from "../../plan/plan-json.js";
import type { Plan, PlannedJob, PlannedWorkflow } from "../../plan/plan-types.js";
import type { RunStore } from "../../store/index.js";
import { identifyJob, type IdentityContext } from "./job-identity.js";

export interface ReusePrediction {
  reused: boolean;
  /** The run whose success would be reused. */
  fromRun?: number;
  /** Why it would run (or that it would be reused). */
  reason: string;
}

interface Context extends IdentityContext {
  store: RunStore | undefined;
  recordRoot: string;
}

async function predictJob(
  w: PlannedWorkflow,
  j: PlannedJob,
  needs: Record<string, NeedResult>,
  ctx: Context,
): Promise<ReusePrediction & { outputs?: Record<string, string> }> {
  if (j.calls) return { reused: false, reason: "it calls a reusable workflow; its jobs are decided when they start" };
  if (j.deferred) return { reused: false, reason: `decided when it starts (${j.deferred})` };
  // A plan is not given secrets: a job that reads one is keyed on values only the run has.
  const refs = secretReferences([...stringsIn(j.job), ...stringsIn(w.workflow.env)]);
  if (refs.all || refs.names.size > 0) return { reused: false, reason: "decided when it starts: it reads secrets" };
  const identity = await identifyJob({ workflow: w, job: j, needs, ref: { callers: [], jobId: j.id, matrix: j.matrix } }, {}, ctx);
  if (identity.noReuse !== null) return { reused: false, reason: identity.noReuse };
  const found = identity.inputKey === null ? undefined : ctx.store?.findReusableJob(ctx.recordRoot, identity.inputKey);
  if (found === undefined) return { reused: false, reason: "no earlier success had these exact inputs" };
  return { reused: true, fromRun: found.runNumber, reason: `inputs identical to run #${found.runNumber}`, outputs: found.outputs };
}

export async function predictReuse(plan: Plan, ctx: Context): Promise<Map<string, ReusePrediction>> {
  const predictions = new Map<string, ReusePrediction>();
  for (const w of plan.tiers.flatMap((t) => t.workflows).filter((wf) => wf.fired)) {
    // Per job id, once all its instances are predicted: the needs context a job that needs it would see.
    const done = new Map<string, NeedResult | null>();
    const outputs = new Map<string, Record<string, string>>();
    let pending = [...w.jobs];
    while (pending.length > 0) {
      const ready = pending.filter((j) => j.needs.every((n) => done.has(n)));
      if (ready.length === 0) break;
      for (const j of ready) {
        const blocked = j.needs.find((n) => done.get(n) === null);
        const needs = Object.fromEntries(j.needs.map((n) => [n, done.get(n) as NeedResult]));
        const p = blocked !== undefined ? { reused: false, reason: `it needs ${blocked}, which runs` } : await predictJob(w, j, needs, ctx);
        predictions.set(reuseKey(w.file, j.key), { reused: p.reused, reason: p.reason, ...(p.fromRun !== undefined ? { fromRun: p.fromRun } : {}) });
        if ("outputs" in p && p.outputs !== undefined) outputs.set(j.key, p.outputs);
      }
      pending = pending.filter((j) => !ready.includes(j));
      for (const id of new Set(ready.map((j) => j.id))) {
        if (pending.some((j) => j.id === id)) continue;
        const instances = w.jobs.filter((j) => j.id === id);
        const all = instances.map((j) => predictions.get(reuseKey(w.file, j.key)));
        // As the engine merges a matrix's outputs: later instances win.
        const merged = Object.assign({}, ...instances.map((j) => outputs.get(j.key) ?? {})) as Record<string, string>;
        done.set(id, all.every((p) => p?.reused) ? { result: "success", outputs: merged } : null);
      }
    }
    for (const j of pending) predictions.set(reuseKey(w.file, j.key), { reused: false, reason: "its needs could not be ordered" });
  }
  return predictions;
}
