// Plan: the event built, and the Plan for it, narrowed to a job or a tier when asked. Refuses
// (PipelineRefused) what GitHub would refuse.
import { synthesizeEvent } from "../plan/event-payload.js";
import { buildPlan, type PlanResult } from "../plan/plan.js";
import type { Plan } from "../plan/plan-types.js";
import { selectJob } from "../plan/select-jobs.js";
import type { Repository } from "../workflow/load.js";
import { PipelineRefused, type EventRequest, type PipelineSinks } from "./types.js";

export function planForEvent(repo: Repository, req: EventRequest, sinks: PipelineSinks = {}): PlanResult {
  const actor = actorOf(req);
  let ev = req.prepared;
  if (!ev) {
    const made = synthesizeEvent(repo.root, req.event, { eventPath: req.eventPath, inputs: req.inputs, actor });
    for (const note of made.notes) sinks.note?.(note);
    ev = made;
  }
  const result = buildPlan(repo, {
    name: req.event,
    payload: ev.payload,
    facts: ev.facts,
    sha: ev.sha,
    ref: ev.ref,
    actor,
    repository: repositoryName(ev.payload),
    inputs: { ...payloadInputs(ev.payload), ...req.inputs },
    vars: req.vars,
  });
  if (result.diagnostics.some((d) => d.severity === "error")) throw new PipelineRefused("nothing was run: fix the errors above", result.diagnostics);
  return result;
}

/** The plan with only the named job (and what it needs) and only the named tier. */
export function narrowPlan(plan: Plan, selection: { job?: string; tier?: string; firstTier?: boolean; workflowFiles?: readonly string[] }): Plan {
  let narrowed = plan;
  const files = selection.workflowFiles;
  if (files !== undefined) {
    const tiers = narrowed.tiers.map((t) => ({ ...t, workflows: t.workflows.filter((w) => files.includes(w.file)) })).filter((t) => t.workflows.length > 0);
    narrowed = { ...narrowed, tiers };
  }
  if (selection.firstTier) narrowed = { ...narrowed, tiers: narrowed.tiers.slice(0, 1) };
  if (selection.tier !== undefined) {
    const tier = narrowed.tiers.find((t) => t.name === selection.tier);
    if (!tier) throw new PipelineRefused(`there is no tier '${selection.tier}'; the tiers are ${narrowed.tiers.map((t) => `'${t.name}'`).join(", ")}`);
    narrowed = { ...narrowed, tiers: [tier] };
  }
  if (selection.job !== undefined) {
    const selected = selectJob(narrowed, selection.job);
    if (!selected)
      throw new PipelineRefused(`no workflow that fires for '${plan.event}' has a job '${selection.job}'; see \`tierci plan --event ${plan.event}\``);
    narrowed = selected;
  }
  return narrowed;
}

export function actorOf(req: Pick<EventRequest, "actor">): string {
  return req.actor ?? process.env["USER"] ?? "local";
}

/** Dispatch and call inputs given in an event file; GitHub sends them as strings. */
function payloadInputs(payload: Record<string, unknown>): Record<string, string> {
  const inputs = payload["inputs"];
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(inputs)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

export function repositoryName(payload: Record<string, unknown>): string {
  const repo = payload["repository"] as { full_name?: string } | undefined;
  return repo?.full_name ?? "local/repository";
}
