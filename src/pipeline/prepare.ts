// Load and plan: the repository's workflows validated, the event built, and the Plan for it,
// narrowed to a job or a tier when asked. Refuses (PipelineRefused) what GitHub would refuse.
import { synthesizeEvent } from "../plan/event-payload.js";
import { buildPlan, type PlanResult } from "../plan/plan.js";
import type { Plan } from "../plan/plan-types.js";
import { selectJob } from "../plan/select-jobs.js";
import { loadRepository, type LoadOptions, type Repository } from "../workflow/load.js";
import type { Diagnostic } from "../workflow/model.js";
import { PipelineRefused, type EventRequest, type PipelineSinks } from "./types.js";

/** Errors that make GitHub refuse a workflow file before running anything of it. */
export function blocksRun(diagnostics: Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error" && !d.runtime);
}

/** For plan and run: problems that only show at run time are warnings there. */
export function asRunWarnings(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.runtime).map((d) => ({ ...d, severity: "warning" as const }));
}

/**
 * The repository with the workflows GitHub would refuse left out, as GitHub runs the others.
 * Refuses the run when a refused workflow was selected with -W, when the problem is outside the
 * workflows (tiers.yml: the pipeline's order is unknown), or when no workflow is left.
 */
export async function loadForRun(req: Pick<EventRequest, "repo" | "workflows"> & LoadOptions, sinks: PipelineSinks = {}): Promise<Repository> {
  const repo = await loadRepository(req.repo, { workflows: req.workflows, ...(req.stateDir !== undefined ? { stateDir: req.stateDir } : {}) });
  const refusing = repo.diagnostics.filter((d) => d.severity === "error" && !d.runtime);
  const refusedFiles = new Set(refusing.map((d) => d.file));
  const kept = repo.workflows.filter((w) => !refusedFiles.has(w.path));
  const wholeRun = req.workflows !== undefined || kept.length === 0 || refusing.some((d) => !d.file.startsWith(".github/workflows/"));
  if (refusing.length > 0 && wholeRun) {
    throw new PipelineRefused(
      "nothing was run: fix the errors above (or run `tierci lint` to see only them)",
      repo.diagnostics.filter((d) => !d.runtime),
    );
  }
  if (refusing.length > 0) sinks.diagnostics?.(refusing);
  for (const file of refusedFiles) sinks.note?.(`${file} is left out: GitHub refuses it for the errors above; the other workflows run`);
  const warnings = asRunWarnings(repo.diagnostics);
  if (warnings.length > 0) sinks.diagnostics?.(warnings);
  return refusing.length > 0 ? { ...repo, workflows: kept } : repo;
}

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
