// Checks beyond the schema: rules GitHub applies when a run starts, and mistakes that make
// part of a workflow dead (a trigger that never fires, a condition that is always true),
// reported here so they surface before anything runs. One module per family of rules.
import { CheckContext, type Check } from "./checks/context.js";
import { checkEvents } from "./checks/events.js";
import { checkGlobs } from "./checks/globs.js";
import { checkInputs } from "./checks/inputs.js";
import { checkMatrix } from "./checks/matrix.js";
import type { Diagnostic, Workflow } from "./model.js";
import type { YamlSource } from "./yaml-tree.js";

const CHECKS: Check[] = [checkEvents, checkGlobs, checkInputs, checkMatrix];

export function semanticChecks(workflow: Workflow, src: YamlSource): Diagnostic[] {
  const ctx = new CheckContext(workflow, src);
  for (const check of CHECKS) check(ctx);
  return ctx.out;
}
