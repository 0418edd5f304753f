// Checks beyond the schema: rules GitHub applies when a run starts, reported here
// so they surface before anything runs.
import type { Diagnostic, Workflow } from "./model.js";
import type { YamlSource } from "./yaml-tree.js";

const MAX_DISPATCH_INPUTS = 25;

export function semanticChecks(workflow: Workflow, _src: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of workflow.triggers) {
    if (t.event === "workflow_dispatch" && (t.inputs?.length ?? 0) > MAX_DISPATCH_INPUTS) {
      out.push({
        severity: "error",
        file: workflow.path,
        line: t.pos.line,
        col: t.pos.col,
        message: `workflow_dispatch has ${t.inputs?.length} inputs; GitHub allows at most ${MAX_DISPATCH_INPUTS}`,
        hint: "merge related inputs, e.g. into one JSON string input",
        rule: "inputs",
      });
    }
  }
  return out;
}
