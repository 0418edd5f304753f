// The `github` context as GitHub builds it from an event, for plan-time
// expressions (matrix, job names) and later for the runner.
import type { ExprValue } from "../expr/value.js";

export interface GithubContextInput {
  eventName: string;
  payload: Record<string, unknown>;
  ref: string;
  sha: string;
  actor: string;
  workflow: string;
  workflowRef?: string;
  repository: string;
  job?: string;
  runId?: string;
  runNumber?: number;
  runAttempt?: number;
  workspace?: string;
  serverUrl?: string;
}

function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, "").replace(/^refs\/pull\/(\d+)\/merge$/, "$1/merge");
}

export function githubContext(input: GithubContextInput): Record<string, ExprValue> {
  const pr = input.payload["pull_request"] as { head?: { ref?: string }; base?: { ref?: string } } | undefined;
  const isPr = input.eventName.startsWith("pull_request");
  const owner = input.repository.split("/")[0] ?? "";
  const serverUrl = input.serverUrl ?? "https://github.com";
  const ctx: Record<string, ExprValue> = {
    event_name: input.eventName,
    event: input.payload as ExprValue,
    ref: input.ref,
    ref_name: refName(input.ref),
    ref_type: input.ref.startsWith("refs/tags/") ? "tag" : "branch",
    ref_protected: false,
    sha: input.sha,
    actor: input.actor,
    triggering_actor: input.actor,
    repository: input.repository,
    repository_owner: owner,
    repositoryUrl: `git://github.com/${input.repository}.git`,
    workflow: input.workflow,
    workflow_ref: input.workflowRef ?? `${input.repository}/${input.workflow}@${input.ref}`,
    head_ref: isPr ? (pr?.head?.ref ?? "") : "",
    base_ref: isPr ? (pr?.base?.ref ?? "") : "",
    server_url: serverUrl,
    api_url: "https://api.github.com",
    graphql_url: "https://api.github.com/graphql",
    run_id: input.runId ?? "1",
    run_number: String(input.runNumber ?? 1),
    run_attempt: String(input.runAttempt ?? 1),
    retention_days: "90",
    action: "",
    action_path: "",
    job: input.job ?? "",
    token: "",
    secret_source: "None",
  };
  if (input.workspace !== undefined) ctx["workspace"] = input.workspace;
  return ctx;
}
