// `uses:` references: the two forms a reusable-workflow call may take, and popular
// actions pinned to major versions whose JavaScript runtime (Node 12 or 16) GitHub has
// removed from its runners.
import { get, items, toText } from "../yaml-tree.js";
import { hasExpression, type CheckContext } from "./context.js";

const RULE_CALL = "reusable-workflow";
const RULE_ACTION = "outdated-action";

/** `owner/repo/path/to/workflow.yml@ref`; the path may sit anywhere in the repository. */
const REMOTE_WORKFLOW = /^[\w.-]+\/[\w.-]+\/[^@]+\.ya?ml@[^@\s]+$/;
/** A local call names a file in this repository and takes no ref. */
const LOCAL_WORKFLOW = /^\.\/[^@]+\.ya?ml$/;

/** The last major version of each action that still runs on Node 12 or 16. */
const LAST_OLD_MAJOR: Record<string, number> = {
  "actions/checkout": 3,
  "actions/setup-node": 3,
  "actions/setup-python": 4,
  "actions/setup-go": 4,
  "actions/setup-java": 3,
  "actions/cache": 3,
  "actions/upload-artifact": 3,
  "actions/download-artifact": 3,
  "actions/github-script": 6,
  "actions/stale": 8,
};

export function checkUses(ctx: CheckContext): void {
  for (const job of ctx.jobs) {
    const usesNode = get(ctx.src, job.node, "uses");
    const uses = toText(ctx.src, usesNode);
    const local = uses?.startsWith("./") ?? false;
    if (usesNode && uses && !hasExpression(uses) && !(local ? LOCAL_WORKFLOW : REMOTE_WORKFLOW).test(uses)) {
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
      const m = action === undefined ? null : /^([\w.-]+\/[\w.-]+)@v(\d+)(?:\.\d+)*$/.exec(action);
      if (!node || !m) continue;
      const last = LAST_OLD_MAJOR[(m[1] as string).toLowerCase()];
      if (last !== undefined && Number(m[2]) <= last) {
        ctx.error(
          node,
          RULE_ACTION,
          `'${action}' runs on a Node.js version GitHub's runners no longer have`,
          `update to ${m[1]}@v${last + 1} or later`,
        );
      }
    }
  }
}
