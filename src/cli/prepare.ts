// Shared first steps of the reporting commands: the pipeline's load and plan stages, with
// their warnings and refusals shown. A refusal ends the command with exit code 2.
import { loadForRun } from "../pipeline/load-stage.js";
import { PipelineRefused, type EventRequest, type PipelineSinks } from "../pipeline/types.js";
import type { PlanResult } from "../plan/plan.js";
import type { Repository } from "../workflow/load.js";
import type { Out } from "./output.js";
import { defaultStateDir } from "../util/state-dir.js";
import { CommandExit } from "./command-exit.js";
import { renderDiagnostics } from "./render-diagnostics.js";

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

export function eventRequest(opts: EventOptions): EventRequest {
  return {
    repo: opts.repo,
    ...(opts.workflows !== undefined ? { workflows: opts.workflows } : {}),
    event: opts.event,
    ...(opts.eventPath !== undefined ? { eventPath: opts.eventPath } : {}),
    inputs: opts.input,
    vars: opts.var,
    ...(opts.actor !== undefined ? { actor: opts.actor } : {}),
  };
}

/** Warnings and notes of the load and plan stages, on standard error. */
export function stageSinks(out: Out): PipelineSinks {
  return { diagnostics: (found) => renderDiagnostics(out, found), note: (text) => out.err(`note: ${text}`) };
}

/** Runs a pipeline stage; a refusal is shown (its errors, then what to do) and becomes exit 2. */
export async function orRefuse<T>(out: Out, stage: () => T | Promise<T>): Promise<T> {
  try {
    return await stage();
  } catch (err) {
    if (!(err instanceof PipelineRefused)) throw err;
    if (err.diagnostics.length > 0) renderDiagnostics(out, err.diagnostics);
    out.err(err.diagnostics.length > 0 ? err.message : `tierci: ${err.message}`);
    throw new CommandExit(2);
  }
}

export function loadValid(out: Out, opts: CommonOptions): Promise<Repository> {
  return orRefuse(out, () => loadForRun({ ...opts, stateDir: defaultStateDir(opts.repo) }, stageSinks(out)));
}

export function planFor(out: Out, repo: Repository, opts: EventOptions): Promise<PlanResult> {
  // Imported here: list and graph load without planning.
  return orRefuse(out, async () => (await import("../pipeline/prepare.js")).planForEvent(repo, eventRequest(opts), stageSinks(out)));
}
