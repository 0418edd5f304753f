// Rules about code and text from outside the repository's trusted history: template
// injection and deprecated commands (found by the validation checks, promoted here to
// policy findings), privileged workflows that check out a pull request's code, and
// secrets that reach such code or third-party actions.
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { CheckContext, posInScalar, stringOf, type JobNodes } from "../../workflow/checks/context.js";
import { checkWorkflowCommands } from "../../workflow/checks/commands.js";
import { scanExpressions } from "../../workflow/checks/expr.js";
import { checkInjection } from "../../workflow/checks/injection.js";
import { entries, get, keyNodeOf, resolve } from "../../workflow/yaml-tree.js";
import { actionName, isThirdParty, type PolicyContext } from "./context.js";

/** Events whose runs get secrets and a write token while acting on an outsider's pull request or comment. */
const PRIVILEGED_EVENTS = ["pull_request_target", "workflow_run", "issue_comment"];

/** The validation rules whose warnings are policy findings; `tierci lint` shows them once, as findings. */
export const PROMOTED_VALIDATION_RULES = ["script-injection", "workflow-command"];

const OPT_IN = "ACTIONS_ALLOW_UNSECURE_COMMANDS";

function promote(ctx: PolicyContext): void {
  const check = new CheckContext(ctx.workflow, ctx.src);
  checkInjection(check);
  checkWorkflowCommands(check);
  for (const d of check.out) {
    // Disabled commands without the opt-in fail the step: validation reports those as errors.
    if (d.severity !== "warning") continue;
    const rule = d.rule === "script-injection" ? "template-injection" : "deprecated-command";
    ctx.report(rule, { file: d.file, line: d.line, col: d.col }, d.message, d.hint);
  }
  const scopes: (Node | undefined)[] = [get(ctx.src, ctx.check.root, "env")];
  for (const job of ctx.check.jobs) {
    scopes.push(get(ctx.src, job.node, "env"));
    for (const step of ctx.steps(job)) scopes.push(get(ctx.src, step.node, "env"));
  }
  for (const env of scopes) {
    const key = keyNodeOf(ctx.src, env, OPT_IN);
    if (key === undefined) continue;
    ctx.report(
      "deprecated-command",
      key,
      `${OPT_IN} re-enables the set-env and add-path commands, with which any line a step prints can change the environment of the steps after it`,
      'remove it, and write to the environment files instead: echo "NAME=value" >> "$GITHUB_ENV", echo "/dir" >> "$GITHUB_PATH"',
    );
  }
}

/** References to the pull request's own code rather than the base repository's. */
const PR_REF =
  /github\.event\.pull_request\.head\.(sha|ref)|github\.event\.pull_request\.head\.repo\.full_name|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch)|github\.event\.workflow_run\.head_repository\.full_name|refs\/pull\//;
const PR_CHECKOUT_COMMAND =
  /\bgh\s+pr\s+checkout\b|\bgit\s+(fetch|checkout|switch|pull)\b[^\n]*(pull\/|refs\/pull|github\.event\.pull_request\.head|github\.head_ref|workflow_run\.head_)/;

/** Where a job checks out the pull request's code, if it does. */
function prCheckout(ctx: PolicyContext, job: JobNodes): Node | undefined {
  for (const step of ctx.steps(job)) {
    if (actionName(step.model.uses) === "actions/checkout") {
      for (const input of ["ref", "repository"]) {
        const value = step.model.with[input];
        if (value !== undefined && PR_REF.test(value)) return get(ctx.src, get(ctx.src, step.node, "with"), input);
      }
    }
    if (step.model.run !== undefined && PR_CHECKOUT_COMMAND.test(step.model.run)) return get(ctx.src, step.node, "run");
  }
  return undefined;
}

const SECRET = /\bsecrets\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\])/g;

interface SecretUse {
  name: string;
  node: Node;
  offset: number;
}

/** Every `secrets.X` inside `${{ }}` in the scalars under a node. */
function secretUses(ctx: PolicyContext, node: Node | undefined, out: SecretUse[] = []): SecretUse[] {
  const n = resolve(ctx.src, node);
  if (n === undefined) return out;
  if (isScalar(n)) {
    const text = stringOf(ctx.src, n);
    if (text === undefined) return out;
    for (const expr of scanExpressions(text)) {
      for (const m of expr.inner.matchAll(SECRET)) out.push({ name: m[1] ?? m[2] ?? "", node: n, offset: expr.start + 3 + (m.index ?? 0) });
    }
  } else if (isMap(n)) {
    for (const e of entries(ctx.src, n)) secretUses(ctx, e.value, out);
  } else if (isSeq(n)) {
    for (const item of n.items) secretUses(ctx, item as Node, out);
  }
  return out;
}

function checkPrivileged(ctx: PolicyContext): void {
  const events = ctx.triggeredBy(PRIVILEGED_EVENTS);
  if (events.length === 0) return;
  const on = events.join(", ");
  // Workflow-level env reaches every job but sits on one line of the file: report it once.
  const workflowEnvSecrets = secretUses(ctx, get(ctx.src, ctx.check.root, "env"));
  let workflowEnvReported = false;
  for (const job of ctx.check.jobs) {
    const checkout = prCheckout(ctx, job);
    if (checkout !== undefined) {
      ctx.report(
        "untrusted-checkout",
        checkout,
        `job '${job.model.id}' runs on ${on} and checks out the pull request's code, which then runs with this workflow's write token and secrets`,
      );
      const uses = [...secretUses(ctx, job.node), ...(workflowEnvReported ? [] : workflowEnvSecrets)];
      workflowEnvReported ||= workflowEnvSecrets.length > 0;
      for (const s of uses) {
        ctx.report(
          "secrets-untrusted-trigger",
          posInScalar(ctx.src, s.node, s.offset),
          `secrets.${s.name} is available to job '${job.model.id}', which checks out and may run the pull request's code (${on})`,
        );
      }
      continue;
    }
    const thirdPartyInputs: { uses: string; node: Node | undefined }[] = ctx.steps(job).flatMap((step) =>
      isThirdParty(step.model.uses)
        ? [
            { uses: step.model.uses ?? "", node: get(ctx.src, step.node, "with") },
            { uses: step.model.uses ?? "", node: get(ctx.src, step.node, "env") },
          ]
        : [],
    );
    if (isThirdParty(job.model.uses)) thirdPartyInputs.push({ uses: job.model.uses ?? "", node: get(ctx.src, job.node, "secrets") });
    for (const input of thirdPartyInputs) {
      // The token is scoped by `permissions:`, which other rules watch; actions routinely need it.
      for (const s of secretUses(ctx, input.node).filter((u) => u.name.toUpperCase() !== "GITHUB_TOKEN")) {
        ctx.report(
          "secrets-untrusted-trigger",
          posInScalar(ctx.src, s.node, s.offset),
          `secrets.${s.name} is passed to the third-party '${input.uses}' in a workflow that runs on ${on}`,
        );
      }
    }
    if (isThirdParty(job.model.uses) && job.model.secrets === "inherit") {
      ctx.report(
        "secrets-untrusted-trigger",
        get(ctx.src, job.node, "secrets"),
        `'secrets: inherit' hands every secret to the third-party workflow '${job.model.uses}' in a workflow that runs on ${on}`,
      );
    }
  }
}

export function checkUntrusted(ctx: PolicyContext): void {
  promote(ctx);
  checkPrivileged(ctx);
}
