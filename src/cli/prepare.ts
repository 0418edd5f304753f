// Shared first steps of the reporting commands: load and validate the repository,
// then build the event and the plan. Stops with exit code 2 on invalid input.
import { synthesizeEvent } from "../plan/event-payload.js";
import { buildPlan, type PlanResult } from "../plan/plan.js";
import { loadRepository, type Repository } from "../workflow/load.js";
import { CommandExit } from "./command-exit.js";
import type { Out } from "./output.js";
import { asRunWarnings, blocksRun, hasErrors, renderDiagnostics } from "./render-diagnostics.js";

// Defined in its own module so that main can catch it without loading this one's imports.
export { CommandExit };

export interface CommonOptions {
  repo: string;
  workflows?: string;
}

export interface EventOptions extends CommonOptions {
  event: string;
  eventPath?: string;
  input: Record<string, string>;
  var: Record<string, string>;
  actor?: string;
}

export async function loadValid(out: Out, opts: CommonOptions): Promise<Repository> {
  const repo = await loadRepository(opts.repo, { workflows: opts.workflows });
  if (blocksRun(repo.diagnostics)) {
    renderDiagnostics(out, repo.diagnostics.filter((d) => !d.runtime));
    out.err("nothing was run: fix the errors above (or run `tierci lint` to see only them)");
    throw new CommandExit(2);
  }
  renderDiagnostics(out, asRunWarnings(repo.diagnostics));
  return repo;
}

export async function planFor(out: Out, repo: Repository, opts: EventOptions): Promise<PlanResult> {
  const actor = opts.actor ?? process.env["USER"] ?? "local";
  const ev = synthesizeEvent(repo.root, opts.event, { eventPath: opts.eventPath, inputs: opts.input, actor });
  for (const note of ev.notes) out.err(`note: ${note}`);
  const result = buildPlan(repo, {
    name: opts.event,
    payload: ev.payload,
    facts: ev.facts,
    sha: ev.sha,
    ref: ev.ref,
    actor,
    repository: repositoryName(ev.payload),
    inputs: { ...payloadInputs(ev.payload), ...opts.input },
    vars: opts.var,
  });
  if (hasErrors(result.diagnostics)) {
    renderDiagnostics(out, result.diagnostics);
    out.err("nothing was run: fix the errors above");
    throw new CommandExit(2);
  }
  return result;
}

/** Dispatch and call inputs given in an event file; GitHub sends them as strings. */
function payloadInputs(payload: Record<string, unknown>): Record<string, string> {
  const inputs = payload["inputs"];
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(inputs)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

function repositoryName(payload: Record<string, unknown>): string {
  const repo = payload["repository"] as { full_name?: string } | undefined;
  return repo?.full_name ?? "local/repository";
}
