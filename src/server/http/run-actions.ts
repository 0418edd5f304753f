// What a person can do to runs, shared by the API (JSON) and the dashboard (forms): cancel, run
// again, and dispatch a workflow with typed inputs. Each answers with the HTTP status it means and
// a message a person can act on; the callers only render it.
import { buildWorkflow } from "../../workflow/build-model.js";
import type { Trigger } from "../../workflow/model.js";
import { parseYamlSource } from "../../workflow/yaml-tree.js";
import type { RepoConfig } from "../config.js";
import { checkDispatchInputs } from "../dispatch-inputs.js";
import { MirrorError } from "../git-mirror.js";
import { fullRef } from "../run-event.js";
import type { ServerRun } from "../server-db.js";
import type { ServerContext } from "./context.js";

export type ActionResult = { ok: true; run: ServerRun } | { ok: false; status: 404 | 409 | 422 | 502; error: string };

export function cancelRun(ctx: ServerContext, run: ServerRun): ActionResult {
  if (run.status === "completed") return { ok: false, status: 409, error: `run ${run.id} has already completed` };
  ctx.queue.cancel(run.id);
  return { ok: true, run };
}

export function rerunRun(ctx: ServerContext, run: ServerRun, failedOnly: boolean, actor: string): ActionResult {
  if (run.status !== "completed") return { ok: false, status: 409, error: `run ${run.id} is still ${run.status}; cancel it or wait for it to end` };
  const again = ctx.db.queueRun({ repo: run.repo, event: run.event, ref: run.ref, sha: run.sha, request: { kind: "rerun", of: run.id, failedOnly, actor } });
  ctx.queue.submit(again);
  return { ok: true, run: again };
}

export type DispatchTarget =
  { ok: true; repo: RepoConfig; ref: string; trigger: Trigger | undefined } | { ok: false; status: 404 | 422 | 502; errors: string[] };

/** The workflow's `workflow_dispatch` trigger as it is at the tip of `ref` (default: the default branch). */
export async function dispatchTarget(ctx: ServerContext, repoName: string, workflow: string, ref: string | undefined): Promise<DispatchTarget> {
  const repo = ctx.config.repos.find((r) => r.name === repoName);
  if (!repo) return { ok: false, status: 404, errors: [`no repository '${repoName}' is configured on this server`] };
  const mirror = ctx.queue.mirror(repo);
  const path = `.github/workflows/${workflow}`;
  let text: string | undefined;
  let full: string;
  try {
    full = fullRef(ref ?? (await mirror.defaultBranch()));
    await mirror.fetch();
    const sha = await mirror.resolve(full);
    if (sha === undefined) return { ok: false, status: 422, errors: [`${full} does not exist in the repository`] };
    text = await mirror.readFile(sha, path);
  } catch (err) {
    if (err instanceof MirrorError) return { ok: false, status: 502, errors: [`cannot fetch the repository: ${err.message}`] };
    throw err;
  }
  if (text === undefined) return { ok: false, status: 422, errors: [`there is no workflow ${path} at ${full}`] };
  const model = buildWorkflow(parseYamlSource(path, text), path);
  return { ok: true, repo, ref: full, trigger: model.triggers.find((t) => t.event === "workflow_dispatch") };
}

export type DispatchResult = { ok: true; run: ServerRun } | { ok: false; status: 404 | 422 | 502; errors: string[]; byInput?: Record<string, string[]> };

export async function dispatchRun(
  ctx: ServerContext,
  repoName: string,
  body: { workflow: string; ref?: string | undefined; inputs?: unknown },
  actor: string,
): Promise<DispatchResult> {
  const target = await dispatchTarget(ctx, repoName, body.workflow, body.ref);
  if (!target.ok) return target;
  const check = checkDispatchInputs(target.trigger, body.inputs);
  if (!check.ok) return { ok: false, status: 422, errors: check.errors, byInput: check.byInput };
  const run = ctx.db.queueRun({
    repo: target.repo.name,
    event: "workflow_dispatch",
    ref: target.ref,
    request: { kind: "dispatch", workflow: body.workflow, ref: target.ref, inputs: check.inputs, actor },
  });
  ctx.queue.submit(run);
  return { ok: true, run };
}
