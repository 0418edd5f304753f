// `uses:` references: the two forms a reusable-workflow call may take, and popular
// actions pinned to old major versions: an error where GitHub fails the step, a warning
// where it only swaps the action's retired Node.js runtime for a newer one.
import { get, items, toText } from "../yaml-tree.js";
import { localUsesEscapeMessage, localUsesEscapes } from "../local-uses.js";
import { hasExpression, type CheckContext } from "./context.js";

const RULE_CALL = "reusable-workflow";
const RULE_ACTION = "outdated-action";
const RULE_LOCAL = "local-action";

/** `owner/repo/path/to/workflow.yml@ref`; the path may sit anywhere in the repository. */
const REMOTE_WORKFLOW = /^[\w.-]+\/[\w.-]+\/[^@]+\.ya?ml@[^@\s]+$/;
/** A local call names a file in this repository and takes no ref. */
const LOCAL_WORKFLOW = /^\.\/[^@]+\.ya?ml$/;

/** The last major version of each action whose runtime (Node 12 or 16) GitHub replaces with a newer Node at run time. */
const LAST_OLD_RUNTIME: Record<string, number> = {
  "actions/checkout": 3,
  "actions/setup-node": 3,
  "actions/setup-python": 4,
  "actions/setup-go": 4,
  "actions/setup-java": 3,
  "actions/cache": 3,
  "actions/github-script": 6,
  "actions/stale": 8,
};

/** The last major version of each action whose backing service GitHub has shut down, so the step fails. */
const LAST_SHUT_DOWN: Record<string, number> = {
  "actions/upload-artifact": 3,
  "actions/download-artifact": 3,
  "actions/cache": 2,
};

export function checkUses(ctx: CheckContext): void {
  for (const job of ctx.jobs) {
    const usesNode = get(ctx.src, job.node, "uses");
    const uses = toText(ctx.src, usesNode);
    const local = uses?.startsWith("./") ?? false;
    if (usesNode && uses && local && localUsesEscapes(uses)) {
      ctx.error(
        usesNode,
        RULE_CALL,
        `${localUsesEscapeMessage(uses).replace("local action", "local workflow")}`,
        "call a workflow inside this repository: ./.github/workflows/build.yml",
      );
    } else if (usesNode && uses && !hasExpression(uses) && !(local ? LOCAL_WORKFLOW : REMOTE_WORKFLOW).test(uses)) {
      ctx.error(
        usesNode,
        RULE_CALL,
        `'${uses}' is not a reusable workflow reference`,
        local
          ? "a workflow in this repository is called by its path alone, with no @ref: ./.github/workflows/build.yml"
          : "write owner/repo/path/to/workflow.yml@ref, or ./path/to/workflow.yml for one in this repository",
      );
    }
    for (const step of items(ctx.src, get(ctx.src, job.node, "steps"))) {
      const node = get(ctx.src, step, "uses");
      const action = toText(ctx.src, node);
      if (node && action?.startsWith("./") && !hasExpression(action) && localUsesEscapes(action)) {
        ctx.error(
          node,
          RULE_LOCAL,
          `${localUsesEscapeMessage(action)}, so the step would fail`,
          "point it at an action directory inside the repository, e.g. ./.github/actions/setup",
        );
        continue;
      }
      const m = action === undefined ? null : /^([\w.-]+\/[\w.-]+)@v(\d+)(?:\.\d+)*$/.exec(action);
      if (!node || !m) continue;
      const name = (m[1] as string).toLowerCase();
      const major = Number(m[2]);
      const shutDown = LAST_SHUT_DOWN[name];
      const oldRuntime = LAST_OLD_RUNTIME[name];
      if (shutDown !== undefined && major <= shutDown) {
        ctx.error(
          node,
          RULE_ACTION,
          `'${action}' uses a service GitHub has shut down for this version, so the step fails`,
          `update to ${m[1]}@v${shutDown + 1} or later`,
        );
      } else if (oldRuntime !== undefined && major <= oldRuntime) {
        ctx.warn(
          node,
          RULE_ACTION,
          `'${action}' was built for a Node.js version GitHub's runners no longer have; GitHub runs it on a newer one`,
          `update to ${m[1]}@v${oldRuntime + 1} or later`,
        );
      }
    }
  }
}
