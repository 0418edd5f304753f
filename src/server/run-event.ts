// What a queued run checks out and which event it gives the pipeline: a webhook's payload as
// GitHub sent it, or the payload GitHub would send for a dispatch or a schedule. The commit is
// fetched into the mirror first; the repository URL is the config's, never the payload's.
import type { PreparedEvent } from "../pipeline/types.js";
import type { GitMirror } from "./git-mirror.js";
import { MirrorError } from "./git-mirror.js";
import type { RunRequest } from "./server-db.js";
import { webhookTrigger } from "./webhook-event.js";

export type ResolvedRun = { kind: "run"; event: string; prepared: PreparedEvent; workflow?: string } | { kind: "none"; reason: string };

function repositoryPayload(fullName: string, defaultBranch: string): Record<string, unknown> {
  const [owner = "", name = ""] = fullName.split("/");
  return { full_name: fullName, name, owner: { login: owner }, default_branch: defaultBranch };
}

async function branchTip(mirror: GitMirror, ref: string): Promise<string> {
  await mirror.fetch();
  const sha = await mirror.resolve(ref);
  if (sha === undefined) throw new MirrorError(`${ref} does not exist in ${mirror.url}`);
  return sha;
}

/** `main`, `refs/heads/main` or `refs/tags/v1` as the full ref GitHub puts in GITHUB_REF. */
export function fullRef(ref: string): string {
  return ref.startsWith("refs/") ? ref : `refs/heads/${ref}`;
}

export async function resolveRun(request: Exclude<RunRequest, { kind: "rerun" }>, repo: string, mirror: GitMirror): Promise<ResolvedRun> {
  const defaultBranch = await mirror.defaultBranch();
  switch (request.kind) {
    case "webhook":
      return webhookTrigger(request.event, request.payload, mirror, defaultBranch);
    case "dispatch": {
      const ref = fullRef(request.ref);
      const sha = await branchTip(mirror, ref);
      const payload = {
        inputs: request.inputs,
        ref,
        repository: repositoryPayload(repo, defaultBranch),
        sender: { login: request.actor },
        workflow: `.github/workflows/${request.workflow}`,
      };
      return {
        kind: "run",
        event: "workflow_dispatch",
        workflow: request.workflow,
        prepared: { payload, sha, ref, facts: { name: "workflow_dispatch", ref } },
      };
    }
    case "schedule": {
      const ref = `refs/heads/${request.branch}`;
      const sha = await branchTip(mirror, ref);
      const payload = { schedule: request.cron, repository: repositoryPayload(repo, defaultBranch), workflow: `.github/workflows/${request.workflow}` };
      return { kind: "run", event: "schedule", workflow: request.workflow, prepared: { payload, sha, ref, facts: { name: "schedule", ref } } };
    }
  }
}
