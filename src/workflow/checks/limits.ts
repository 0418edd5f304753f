// Numbers the schema types but does not bound: `max-parallel` must be a positive whole
// number and `timeout-minutes` positive, or the job cannot run as written.
import { isScalar, type Node } from "yaml";
import { get, items, resolve } from "../yaml-tree.js";
import type { CheckContext } from "./context.js";

const RULE = "limits";

function numberAt(ctx: CheckContext, node: Node | undefined): { node: Node; value: number } | undefined {
  const n = resolve(ctx.src, node);
  return isScalar(n) && typeof n.value === "number" ? { node: n, value: n.value } : undefined;
}

export function checkLimits(ctx: CheckContext): void {
  for (const job of ctx.jobs) {
    const maxParallel = numberAt(ctx, get(ctx.src, get(ctx.src, job.node, "strategy"), "max-parallel"));
    if (maxParallel && (!Number.isInteger(maxParallel.value) || maxParallel.value <= 0)) {
      ctx.error(
        maxParallel.node,
        RULE,
        `max-parallel must be a whole number of at least 1, not ${maxParallel.value}`,
        "set how many matrix jobs may run at once, e.g. max-parallel: 2",
      );
    }
    const timeouts = [
      get(ctx.src, job.node, "timeout-minutes"),
      ...items(ctx.src, get(ctx.src, job.node, "steps")).map((s) => get(ctx.src, s, "timeout-minutes")),
    ];
    for (const t of timeouts) {
      const timeout = numberAt(ctx, t);
      if (timeout && timeout.value <= 0) {
        ctx.error(
          timeout.node,
          RULE,
          `timeout-minutes must be greater than 0, not ${timeout.value}`,
          "give the number of minutes after which GitHub cancels it, e.g. timeout-minutes: 30",
        );
      }
    }
  }
}
