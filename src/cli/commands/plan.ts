import { formatDuration } from "../../workflow/duration.js";
import { planToJson, reuseKey } from "../../plan/plan-json.js";
import type { PlannedJob, PlannedWorkflow, Plan } from "../../plan/plan-types.js";
import type { ReusePrediction } from "../../pipeline/reuse/predict-reuse.js";
import type { Repository } from "../../workflow/load.js";
import { style, writeJson, type Out } from "../output.js";
import { loadValid, planFor, type EventOptions } from "../prepare.js";

export interface PlanOptions extends EventOptions {
  json?: string;
  stateDir?: string;
  db?: string;
  reuse?: boolean;
}

type Predictions = ReadonlyMap<string, ReusePrediction>;

function wantsReuse(repo: Repository, opts: Pick<PlanOptions, "reuse">): boolean {
  if (opts.reuse !== undefined) return opts.reuse;
  return repo.reuse.all === "exact" || Object.keys(repo.reuse.workflows).length > 0;
}

function reuseNote(p: ReusePrediction | undefined): string {
  if (p === undefined) return "";
  return p.reused ? style.green(`  reused from run #${p.fromRun ?? "?"}`) : style.dim(`  runs: ${p.reason}`);
}

function renderJobs(out: Out, w: PlannedWorkflow, jobs: PlannedJob[], indent: string, reuse: Predictions | undefined): void {
  for (const j of jobs) {
    const needs = j.needs.length ? style.dim(`  needs: ${j.needs.join(", ")}`) : "";
    const deferred = j.deferred ? style.yellow(`  (${j.deferred})`) : "";
    out.log(`${indent}- ${j.name}${needs}${deferred}${reuseNote(reuse?.get(reuseKey(w.file, j.key)))}`);
    if (j.calls) renderJobs(out, j.calls, j.calls.jobs, `${indent}    `, undefined);
  }
}

export function renderPlan(out: Out, plan: Plan, reuse?: Predictions): void {
  out.log(`${style.bold("event")}: ${plan.event}  ${style.dim(`ref ${plan.ref} @ ${plan.sha.slice(0, 12)}`)}`);
  if (plan.changedFiles) out.log(style.dim(`changed files: ${plan.changedFiles.length}`));
  plan.tiers.forEach((tier, i) => {
    const budget = tier.budgetMs ? `budget ${formatDuration(tier.budgetMs)}` : "no budget";
    const fired = tier.workflows.filter((w) => w.fired);
    const jobs = fired.reduce((n, w) => n + w.jobs.length, 0);
    out.log("");
    out.log(`${style.bold(`tier ${i + 1}: ${tier.name}`)}  ${style.dim(`${budget}, ${fired.length} workflow(s), ${jobs} job(s)`)}`);
    for (const w of tier.workflows) {
      const mark = w.fired ? style.green("run ") : style.dim("skip");
      out.log(`  ${mark} ${w.name} ${style.dim(`(${w.file})`)}: ${w.reason}`);
      if (w.fired) renderJobs(out, w, w.jobs, "      ", reuse);
    }
  });
}

export async function planCommand(out: Out, opts: PlanOptions): Promise<number> {
  const repo = await loadValid(out, opts);
  const { plan } = await planFor(out, repo, opts);
  let reuse: Predictions | undefined;
  // Only a plan that may reuse opens the run database and fingerprints the tree.
  if (wantsReuse(repo, opts)) reuse = await (await import("./plan-reuse.js")).planReuse(repo, plan, { ...opts, vars: opts.var });
  if (opts.json !== undefined) writeJson(opts.json, planToJson(plan, reuse));
  if (opts.json !== "-") renderPlan(out, plan, reuse);
  return 0;
}
