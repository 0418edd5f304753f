// A forge's webhook turned into the event a run uses: GITHUB_SHA and GITHUB_REF as GitHub sets
// them (a merge commit for a pull request), the files the change touched for `paths:` filters,
// and the payload itself, untouched, as github.event.
import type { PreparedEvent } from "../pipeline/types.js";
import { ZERO_SHA } from "../git/git.js";
import type { GitMirror } from "./git-mirror.js";
import { runGit } from "./git-process.js";

/** The commit to check out, and the event to give the pipeline; or why nothing runs. */
export type WebhookTrigger = { kind: "run"; event: string; prepared: PreparedEvent } | { kind: "none"; reason: string };

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Gitea and Forgejo name some activities differently; workflows are written with GitHub's words. */
const GITEA_ACTIONS: Record<string, string> = { synchronized: "synchronize" };

async function changedFiles(mirror: GitMirror, from: string | undefined, to: string): Promise<string[] | undefined> {
  if (from === undefined) return undefined;
  const r = await runGit(["diff", "--name-only", "-z", "--no-renames", from, to], { cwd: mirror.dir });
  return r.code === 0 ? r.stdout.split("\0").filter(Boolean) : undefined;
}

async function mergeBase(mirror: GitMirror, a: string, b: string): Promise<string | undefined> {
  const r = await runGit(["merge-base", a, b], { cwd: mirror.dir });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

async function push(payload: Json, mirror: GitMirror, defaultBranch: string): Promise<WebhookTrigger> {
  const ref = str(payload["ref"]);
  const after = str(payload["after"]);
  if (ref === undefined || after === undefined) return { kind: "none", reason: "the push payload has no ref or after" };
  if (payload["deleted"] === true || after === ZERO_SHA) return { kind: "none", reason: `${ref} was deleted; nothing runs for a deleted ref` };
  await mirror.ensureCommit(after);
  let before = str(payload["before"]);
  if (before === undefined || before === ZERO_SHA || !(await mirror.hasCommit(before))) {
    // A new branch: GitHub compares it with the default branch it came from.
    const defaultTip = await mirror.resolve(`refs/heads/${defaultBranch}`);
    before = defaultTip !== undefined && ref !== `refs/heads/${defaultBranch}` ? await mergeBase(mirror, defaultTip, after) : undefined;
  }
  return {
    kind: "run",
    event: "push",
    prepared: { payload, sha: after, ref, facts: { name: "push", ref, changedFiles: await changedFiles(mirror, before, after) } },
  };
}

async function pullRequest(name: string, payload: Json, mirror: GitMirror): Promise<WebhookTrigger> {
  const pr = obj(payload["pull_request"]);
  const number = typeof payload["number"] === "number" ? payload["number"] : pr["number"];
  const head = str(obj(pr["head"])["sha"]);
  const base = str(obj(pr["base"])["sha"]);
  const baseRef = str(obj(pr["base"])["ref"]);
  if (typeof number !== "number" || head === undefined || base === undefined || baseRef === undefined)
    return { kind: "none", reason: "the pull_request payload lacks its number, head or base" };
  const rawAction = str(payload["action"]) ?? "opened";
  const action = GITEA_ACTIONS[rawAction] ?? rawAction;
  await mirror.ensureCommit(head);
  await mirror.ensureCommit(base);
  const start = await mergeBase(mirror, base, head);
  const files = await changedFiles(mirror, start, head);
  const facts = { name, baseRef, action, ...(files ? { changedFiles: files } : {}) };
  if (name === "pull_request_target") {
    const ref = `refs/heads/${baseRef}`;
    return { kind: "run", event: name, prepared: { payload: { ...payload, action }, sha: base, ref, facts: { ...facts, ref } } };
  }
  const ref = `refs/pull/${number}/merge`;
  const merge = await mirror.mergeCommit(base, head, `Merge ${head} into ${base}`);
  return { kind: "run", event: name, prepared: { payload: { ...payload, action }, sha: merge, ref, facts: { ...facts, ref } } };
}

async function mergeGroup(payload: Json, mirror: GitMirror): Promise<WebhookTrigger> {
  const group = obj(payload["merge_group"]);
  const sha = str(group["head_sha"]);
  const ref = str(group["head_ref"]);
  const baseSha = str(group["base_sha"]);
  if (sha === undefined || ref === undefined) return { kind: "none", reason: "the merge_group payload lacks head_sha or head_ref" };
  await mirror.ensureCommit(sha);
  const files = baseSha !== undefined && (await mirror.hasCommit(baseSha)) ? await changedFiles(mirror, baseSha, sha) : undefined;
  const baseRef = str(group["base_ref"]);
  const facts = {
    name: "merge_group",
    ref,
    action: str(payload["action"]) ?? "checks_requested",
    ...(baseRef ? { baseRef } : {}),
    ...(files ? { changedFiles: files } : {}),
  };
  return { kind: "run", event: "merge_group", prepared: { payload, sha, ref, facts } };
}

/** What a delivery of `event` runs; the mirror fetches the commits it needs. */
export async function webhookTrigger(event: string, payload: Json, mirror: GitMirror, defaultBranch: string): Promise<WebhookTrigger> {
  switch (event) {
    case "push":
      return push(payload, mirror, defaultBranch);
    case "pull_request":
    case "pull_request_target":
      return pullRequest(event, payload, mirror);
    case "merge_group":
      return mergeGroup(payload, mirror);
    default:
      return { kind: "none", reason: `tierci does not run workflows for '${event}' deliveries` };
  }
}
