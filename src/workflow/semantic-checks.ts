// Checks beyond the schema: rules GitHub applies when a run starts, and mistakes that make
// part of a workflow dead (a trigger that never fires, a condition that is always true),
// reported here so they surface before anything runs. One module per family of rules.
import { checkAnchors } from "./checks/anchors.js";
import { checkWorkflowCommands } from "./checks/commands.js";
import { checkConditions } from "./checks/conditions.js";
import { checkContainers } from "./checks/container.js";
import { CheckContext, type Check } from "./checks/context.js";
import { checkEvents } from "./checks/events.js";
import { checkExpressions } from "./checks/expressions.js";
import { checkGlobs } from "./checks/globs.js";
import { checkInjection } from "./checks/injection.js";
import { checkInputs } from "./checks/inputs.js";
import { checkLimits } from "./checks/limits.js";
import { checkMatrix } from "./checks/matrix.js";
import { checkRunnerLabels } from "./checks/runner-labels.js";
import { checkUses } from "./checks/uses.js";
import type { Diagnostic, Workflow } from "./model.js";
import type { YamlSource } from "./yaml-tree.js";

const CHECKS: Check[] = [
  checkEvents,
  checkGlobs,
  checkInputs,
  checkMatrix,
  checkConditions,
  checkRunnerLabels,
  checkContainers,
  checkWorkflowCommands,
  checkLimits,
  checkUses,
  checkAnchors,
  checkExpressions,
  checkInjection,
];

export function semanticChecks(workflow: Workflow, src: YamlSource): Diagnostic[] {
  const ctx = new CheckContext(workflow, src);
  for (const check of CHECKS) check(ctx);
  return ctx.out;
}
