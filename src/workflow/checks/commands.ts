// Workflow commands in `run:` scripts that GitHub has replaced by environment files.
// `set-env` and `add-path` are disabled (the step fails) unless the job opts back in with
// ACTIONS_ALLOW_UNSECURE_COMMANDS; `set-output` and `save-state` still work, with a
// deprecation warning in the log.
import type { Node } from "yaml";
import { get, items } from "../yaml-tree.js";
import { posInScalar, stringOf, type CheckContext } from "./context.js";

const RULE = "workflow-command";
const COMMAND = /::(set-output|save-state|set-env|add-path)[\s:]/g;
const REPLACEMENT: Record<string, string> = {
  "set-output": 'echo "name=value" >> "$GITHUB_OUTPUT"',
  "save-state": 'echo "name=value" >> "$GITHUB_STATE"',
  "set-env": 'echo "NAME=value" >> "$GITHUB_ENV"',
  "add-path": 'echo "/some/dir" >> "$GITHUB_PATH"',
};
const OPT_IN = "ACTIONS_ALLOW_UNSECURE_COMMANDS";

export function checkWorkflowCommands(ctx: CheckContext): void {
  const workflowOptIn = OPT_IN in ctx.workflow.env;
  for (const job of ctx.jobs) {
    const jobOptIn = workflowOptIn || OPT_IN in job.model.env;
    items(ctx.src, get(ctx.src, job.node, "steps")).forEach((stepNode, i) => {
      const step = job.model.steps[i];
      const run = get(ctx.src, stepNode, "run");
      if (!step || !run) return;
      checkScript(ctx, run, jobOptIn || OPT_IN in step.env);
    });
  }
}

function checkScript(ctx: CheckContext, run: Node, optIn: boolean): void {
  const script = stringOf(ctx.src, run);
  if (script === undefined) return;
  for (const m of script.matchAll(COMMAND)) {
    const command = m[1] as string;
    const at = posInScalar(ctx.src, run, m.index);
    const hint = `write to the environment file instead: ${REPLACEMENT[command]}`;
    if (command === "set-env" || command === "add-path") {
      if (!optIn) ctx.error(at, RULE, `the '${command}' workflow command is disabled on GitHub, so this step fails`, hint);
    } else {
      ctx.warn(at, RULE, `the '${command}' workflow command is deprecated`, hint);
    }
  }
}
