// Script injection: text anyone can write (an issue title, a branch name, a commit message)
// pasted into a shell script or a github-script body by `${{ }}`, where it runs as code.
// GitHub runs such a workflow, so this is a warning; the fix is to pass the value through
// an environment variable.
import { IndexAccess, type Expr } from "@actions/expressions/ast";
import type { Node } from "yaml";
import { get, items, toText } from "../yaml-tree.js";
import { posInScalar, stringOf, type CheckContext } from "./context.js";
import { childrenOf, parseExpression, scanExpressions } from "./expr.js";
import { pathOf, type Path } from "./expr-types.js";

const RULE = "script-injection";

/** Event fields that the person triggering the event controls (GitHub's security hardening guide lists them). */
const UNTRUSTED = [
  "github.head_ref",
  "github.event.issue.title",
  "github.event.issue.body",
  "github.event.pull_request.title",
  "github.event.pull_request.body",
  "github.event.pull_request.head.ref",
  "github.event.pull_request.head.label",
  "github.event.pull_request.head.repo.default_branch",
  "github.event.comment.body",
  "github.event.review.body",
  "github.event.review_comment.body",
  "github.event.discussion.title",
  "github.event.discussion.body",
  "github.event.pages.*.page_name",
  "github.event.commits.*.message",
  "github.event.commits.*.author.email",
  "github.event.commits.*.author.name",
  "github.event.head_commit.message",
  "github.event.head_commit.author.email",
  "github.event.head_commit.author.name",
  "github.event.workflow_run.head_branch",
  "github.event.workflow_run.display_title",
  "github.event.workflow_run.head_commit.message",
  "github.event.workflow_run.head_commit.author.email",
  "github.event.workflow_run.head_commit.author.name",
].map((p) => p.split("."));

function untrusted(path: Path): string | undefined {
  const hit = UNTRUSTED.find((u) => u.length === path.length && u.every((seg, i) => seg === path[i] || seg === "*" || path[i] === "*"));
  return hit && path.map((s) => s ?? "[...]").join(".");
}

function untrustedIn(expr: Expr, parentIsAccess: boolean, found: string[]): void {
  if (expr instanceof IndexAccess && !parentIsAccess) {
    const path = pathOf(expr);
    const name = path && untrusted(path);
    if (name) found.push(name);
  }
  for (const child of childrenOf(expr)) untrustedIn(child, expr instanceof IndexAccess && child === expr.expr, found);
}

function checkScript(ctx: CheckContext, node: Node, where: string): void {
  const text = stringOf(ctx.src, node);
  if (text === undefined) return;
  for (const f of scanExpressions(text)) {
    const expr = parseExpression(f.inner);
    if (!expr) continue;
    const found: string[] = [];
    untrustedIn(expr, false, found);
    for (const name of found) {
      ctx.warn(
        posInScalar(ctx.src, node, f.start),
        RULE,
        `${name} is written by whoever triggers the event, and \${{ }} pastes it into the ${where} as code`,
        `pass it through an environment variable instead: env: { VALUE: \${{ ${name} }} } and use "$VALUE"`,
      );
    }
  }
}

export function checkInjection(ctx: CheckContext): void {
  for (const job of ctx.jobs) {
    for (const step of items(ctx.src, get(ctx.src, job.node, "steps"))) {
      const run = get(ctx.src, step, "run");
      if (run) checkScript(ctx, run, "script");
      const uses = toText(ctx.src, get(ctx.src, step, "uses")) ?? "";
      const script = get(ctx.src, get(ctx.src, step, "with"), "script");
      if (script && /^actions\/github-script@/i.test(uses)) checkScript(ctx, script, "github-script body");
    }
  }
}
