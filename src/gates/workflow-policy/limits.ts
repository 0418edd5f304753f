// missing-timeout and missing-concurrency: the limits that keep a stuck job or a busy
// pull request from holding runners.
import type { PolicyContext } from "./context.js";

const PULL_REQUEST_EVENTS = ["pull_request", "pull_request_target"];

export function checkLimits(ctx: PolicyContext): void {
  for (const job of ctx.check.jobs) {
    // A reusable-workflow call cannot set timeout-minutes; the called workflow's jobs do.
    if (job.model.uses !== undefined || job.model.timeoutMinutes !== undefined) continue;
    ctx.report("missing-timeout", job.keyNode, `job '${job.model.id}' has no timeout-minutes, so a hung step runs for GitHub's default of 360 minutes`);
  }
  const events = ctx.triggeredBy(PULL_REQUEST_EVENTS);
  if (events.length === 0 || ctx.workflow.concurrency !== undefined) return;
  if (ctx.workflow.jobs.length > 0 && ctx.workflow.jobs.every((j) => j.concurrency !== undefined)) return;
  const trigger = ctx.workflow.triggers.find((t) => events.includes(t.event));
  ctx.report(
    "missing-concurrency",
    trigger?.pos,
    `the workflow runs on ${events.join(" and ")} without a concurrency group, so each push to a pull request queues another full run`,
  );
}
