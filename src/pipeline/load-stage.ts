// Load: the repository's workflows validated, with what GitHub would refuse left out or the run
// refused (PipelineRefused). Apart from planning, so that commands that only load (list, graph)
// never import the planner and the expression library behind it.
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
