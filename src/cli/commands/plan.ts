import { formatDuration } from "../../workflow/duration.js";
import { planToJson } from "../../plan/plan-json.js";
import type { PlannedJob, Plan } from "../../plan/plan-types.js";
import { style, writeJson, type Out } from "../output.js";
import { loadValid, planFor, type EventOptions } from "../prepare.js";

export interface PlanOptions extends EventOptions {
  json?: string;
}

function renderJobs(out: Out, jobs: PlannedJob[], indent: string): void {
  for (const j of jobs) {
    const needs = j.needs.length ? style.dim(`  needs: ${j.needs.join(", ")}`) : "";
    const deferred = j.deferred ? style.yellow(`  (${j.deferred})`) : "";
    out.log(`${indent}- ${j.name}${needs}${deferred}`);
    if (j.calls) renderJobs(out, j.calls.jobs, `${indent}    `);
  }
}

export function renderPlan(out: Out, plan: Plan): void {
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
      if (w.fired) renderJobs(out, w.jobs, "      ");
    }
  });
}

export async function planCommand(out: Out, opts: PlanOptions): Promise<number> {
  const repo = await loadValid(out, opts);
  const { plan } = await planFor(out, repo, opts);
  if (opts.json !== undefined) writeJson(opts.json, planToJson(plan));
  if (opts.json !== "-") renderPlan(out, plan);
  return 0;
}
