// A matrix that reads needs outputs cannot be expanded when the plan is made; it is expanded
// here, when the job's needs have finished and their outputs are known.
import { evaluateValue } from "../expr/evaluate.js";
import { evaluateStructure } from "../expr/structured.js";
import type { ExprContexts, ExprValue } from "../expr/value.js";
import { expandMatrix, jobDisplayName } from "../plan/matrix.js";
import type { PlannedJob } from "../plan/plan-types.js";
import type { Job, YamlValue } from "../workflow/model.js";

function isMapping(v: unknown): v is { [key: string]: YamlValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The job's instances, made from its planned template and its matrix evaluated against `contexts`. */
export function expandDeferredMatrix(job: Job, template: PlannedJob, contexts: ExprContexts): PlannedJob[] {
  const source = job.strategy?.matrix ?? {};
  const value = typeof source === "string" ? evaluateValue(source, contexts) : (evaluateStructure(source as ExprValue, contexts) as YamlValue);
  if (!isMapping(value)) throw new Error(`the matrix must be a mapping, got ${JSON.stringify(value)}`);
  const { combinations, errors } = expandMatrix(value);
  if (errors.length > 0) throw new Error(errors.join("; "));
  return combinations.map((matrix, i) => {
    const pj: PlannedJob = {
      ...template,
      key: jobDisplayName(job.id, undefined, matrix),
      name: jobDisplayName(job.id, job.name, matrix),
      matrix,
      matrixIndex: i,
      matrixTotal: combinations.length,
    };
    delete pj.deferred;
    return pj;
  });
}
