// Builds the event a local run pretends to have received: the webhook payload that
// `github.event` exposes, and the facts that decide which workflows fire. Both come from the
// checkout's git state, so a local run answers "what would CI do with what I have now",
// uncommitted work included. An event file (`--event-path`) overrides any field.
import { realpathSync } from "node:fs";
import { basename, relative, resolve, sep } from "node:path";
import { userInfo } from "node:os";
import {
  GitError,
  ZERO_SHA,
  branchCommit,
  commitInfo,
  commitsBetween,
  changedFilesBetween,
  branchState,
  mergeBase,
  repoRoot,
  repositorySlug,
  resolveCommit,
  tagsAt,
  workingTreeChanges,
  type CommitInfo,
} from "../git/git.js";
import { DEFAULT_ACTION, type EventFacts } from "./event-filter.js";
import { deepMerge, isObject, Overrides, readEventFile, type Json } from "./event-file.js";

export interface SynthesizeOptions {
  /** A JSON event payload whose fields override the synthesized ones. */
  eventPath?: string;
  /** workflow_dispatch inputs; they win over `inputs` in the event file. */
  inputs?: Record<string, string>;
  /** The login in `sender`, `pusher` and `github.actor`; default: the OS user name. */
  actor?: string;
  /** schedule: the cron line that fired. */
  cron?: string;
}

export interface SynthesizedEvent {
  payload: Record<string, unknown>;
  facts: EventFacts;
  /** GITHUB_SHA. */
  sha: string;
  /** GITHUB_REF. */
  ref: string;
  /** Where the local event departs from what GitHub would send, worth telling the user once. */
  notes: string[];
}

/** GitHub caps `commits` in push payloads; a local run need not list a long history either. */
const PUSH_COMMITS_LIMIT = 20;

function stripHeads(ref: string): string {
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : ref;
}

function defaultActor(): string {
  try {
    return userInfo().username || "local";
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? "local";
  }
}

/** The git state every event kind starts from. */
interface RepoState {
  root: string;
  branch: string | undefined;
  head: string;
  defaultBranch: string;
  /** The default branch's commit, when it has one here. */
  defaultSha: string | undefined;
  /** HEAD's parents, when reading the branches found them. */
  headParents: string[] | undefined;
  repository: Json;
  htmlUrl: string;
  owner: string;
  actor: string;
  sender: Json;
  notes: string[];
}

function readState(repoDir: string, actor: string | undefined): RepoState {
  const root = repoRoot(repoDir);
  const slug = repositorySlug(root);
  const fullName = `${slug.owner}/${slug.name}`;
  const htmlUrl = `https://github.com/${fullName}`;
  const { head, branch, defaultBranch: defBranch, defaultSha, headParents } = branchState(root);
  const login = actor ?? defaultActor();
  const notes: string[] = [];
  if (head === ZERO_SHA) notes.push("the repository has no commits yet: HEAD is all zeros and every file counts as changed");
  return {
    root,
    branch,
    head,
    defaultBranch: defBranch,
    defaultSha,
    headParents,
    repository: {
      name: slug.name,
      full_name: fullName,
      owner: { login: slug.owner },
      html_url: htmlUrl,
      clone_url: `${htmlUrl}.git`,
      default_branch: defBranch,
    },
    htmlUrl,
    owner: slug.owner,
    actor: login,
    sender: { login, type: "User" },
    notes,
  };
}

/** GITHUB_REF for events that run on the checkout: its branch, else a tag at HEAD, else the default branch. */
function checkedOutRef(s: RepoState): string {
  if (s.branch !== undefined) return `refs/heads/${s.branch}`;
  const tag = s.head === ZERO_SHA ? undefined : tagsAt(s.root, "HEAD")[0];
  if (tag !== undefined) {
    s.notes.push(`HEAD is detached at tag ${tag}: the event is for refs/tags/${tag}`);
    return `refs/tags/${tag}`;
  }
  s.notes.push(`HEAD is detached: the event is for the default branch ${s.defaultBranch}, with the checked-out commit`);
  return `refs/heads/${s.defaultBranch}`;
}

function commitPayload(c: CommitInfo, htmlUrl: string): Json {
  return {
    id: c.sha,
    tree_id: c.treeSha,
    distinct: true,
    message: c.message,
    timestamp: c.committer.date,
    url: `${htmlUrl}/commit/${c.sha}`,
    author: { name: c.author.name, email: c.author.email },
    committer: { name: c.committer.name, email: c.committer.email },
  };
}

/**
 * The commit a push of `after` to `branch` is compared with: the merge base with the default
 * branch, or on the default branch itself its parent; undefined for a root commit.
 */
function pushBase(s: RepoState, branch: string | undefined, after: string): string | undefined {
  if (after === ZERO_SHA) return undefined;
  if (branch !== s.defaultBranch && s.defaultSha !== undefined) {
    const base = mergeBase(s.root, s.defaultSha, after);
    if (base !== undefined) return base;
  }
  if (after === s.head && s.headParents !== undefined) return s.headParents[0];
  return resolveCommit(s.root, `${after}~1`);
}

function push(s: RepoState, o: Overrides): Omit<SynthesizedEvent, "notes"> {
  const ref = o.string("ref") ?? checkedOutRef(s);
  const branch = ref.startsWith("refs/tags/") ? undefined : stripHeads(ref);
  const givenBefore = o.commit(s.root, ["before"], true);
  const givenAfter = o.commit(s.root, ["after"]);
  const after = givenAfter ?? s.head;
  const base = givenBefore === undefined || givenBefore === ZERO_SHA ? pushBase(s, branch, after) : givenBefore;
  // An event file that names before or after describes a push of commits: compare exactly
  // those, not the working tree.
  const explicit = (givenBefore !== undefined || givenAfter !== undefined) && after !== ZERO_SHA;
  const changedFiles = explicit ? changedFilesBetween(s.root, base, after) : workingTreeChanges(s.root, base);
  const before = givenBefore ?? base ?? ZERO_SHA;
  const pushed = after === ZERO_SHA ? [] : commitsBetween(s.root, base, after, PUSH_COMMITS_LIMIT);
  const commits = pushed.map((c) => commitPayload(c, s.htmlUrl));
  // The newest pushed commit is `after` itself; git is asked again only when nothing was pushed.
  const newest = pushed.at(-1);
  const headCommit = after === ZERO_SHA ? undefined : newest?.sha === after ? newest : commitInfo(s.root, after);
  const payload: Json = {
    ref,
    before,
    after,
    base_ref: null,
    created: before === ZERO_SHA,
    deleted: false,
    forced: false,
    compare: `${s.htmlUrl}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits,
    head_commit: headCommit === undefined ? null : commitPayload(headCommit, s.htmlUrl),
    repository: { ...s.repository, master_branch: s.defaultBranch },
    pusher: { name: s.actor, email: headCommit?.author.email ?? null },
    sender: s.sender,
  };
  return { payload, sha: after, ref, facts: { name: "push", ref, changedFiles } };
}

function splitMessage(message: string | undefined): { title: string; body: string | null } {
  if (message === undefined) return { title: "Local changes", body: null };
  const [title = "", ...rest] = message.split("\n");
  const body = rest.join("\n").trim();
  return { title, body: body === "" ? null : body };
}

/**
 * Files a pull request changes: from the merge base of base and head. With the head given by
 * the event file, its commits; otherwise the working tree, uncommitted files included.
 */
function pullRequestFiles(s: RepoState, baseSha: string | undefined, givenHead: string | undefined): string[] {
  const head = givenHead ?? s.head;
  const start = baseSha === undefined || head === ZERO_SHA ? undefined : mergeBase(s.root, baseSha, head);
  if (givenHead !== undefined) return changedFilesBetween(s.root, start, givenHead);
  return workingTreeChanges(s.root, start);
}

function baseCommit(s: RepoState, o: Overrides, baseBranch: string, shaKeys: string[]): string | undefined {
  const sha = o.commit(s.root, shaKeys) ?? (baseBranch === s.defaultBranch ? s.defaultSha : branchCommit(s.root, baseBranch));
  if (sha === undefined) s.notes.push(`base branch ${baseBranch} has no commit here: every file counts as changed`);
  return sha;
}

function pullRequest(s: RepoState, o: Overrides, name: string): Omit<SynthesizedEvent, "notes"> {
  const number = o.number("number") ?? o.number("pull_request", "number") ?? 1;
  // "opened": the first run every pull request gets, and one of the default types.
  const action = o.string("action") ?? "opened";
  const baseBranch = stripHeads(o.string("pull_request", "base", "ref") ?? s.defaultBranch);
  let headBranch = o.string("pull_request", "head", "ref");
  if (headBranch === undefined) {
    if (s.branch === undefined) s.notes.push("HEAD is detached: the pull request's head branch is called HEAD");
    headBranch = s.branch ?? "HEAD";
  }
  const givenHead = o.commit(s.root, ["pull_request", "head", "sha"]);
  const baseSha = baseCommit(s, o, baseBranch, ["pull_request", "base", "sha"]);
  const headSha = givenHead ?? s.head;
  const changedFiles = pullRequestFiles(s, baseSha, givenHead);
  const headCommit = headSha === ZERO_SHA ? undefined : commitInfo(s.root, headSha);
  const { title, body } = splitMessage(headCommit?.message);
  const user = { login: s.actor, type: "User" };
  const side = (ref: string, sha: string): Json => ({ ref, sha, label: `${s.owner}:${ref}`, user, repo: s.repository });
  const payload: Json = {
    action,
    number,
    pull_request: {
      number,
      state: "open",
      locked: false,
      draft: false,
      merged: false,
      title,
      body,
      user,
      html_url: `${s.htmlUrl}/pull/${number}`,
      head: side(headBranch, headSha),
      base: side(baseBranch, baseSha ?? ZERO_SHA),
      changed_files: changedFiles.length,
    },
    repository: s.repository,
    sender: s.sender,
  };
  if (name === "pull_request_target") {
    s.notes.push("GitHub runs pull_request_target on the base branch's latest commit; locally the checkout runs as it is");
    const ref = `refs/heads/${baseBranch}`;
    return { payload, sha: baseSha ?? headSha, ref, facts: { name, ref, baseRef: baseBranch, action, changedFiles } };
  }
  s.notes.push("GitHub runs pull requests on a merge commit of head into base; locally the checkout runs as it is");
  const ref = `refs/pull/${number}/merge`;
  return { payload, sha: headSha, ref, facts: { name, ref, baseRef: baseBranch, action, changedFiles } };
}

function mergeGroup(s: RepoState, o: Overrides): Omit<SynthesizedEvent, "notes"> {
  const action = o.string("action") ?? "checks_requested";
  const baseBranch = stripHeads(o.string("merge_group", "base_ref") ?? s.defaultBranch);
  const baseSha = baseCommit(s, o, baseBranch, ["merge_group", "base_sha"]);
  const givenHead = o.commit(s.root, ["merge_group", "head_sha"]);
  const headSha = givenHead ?? s.head;
  const headRef = o.string("merge_group", "head_ref") ?? `refs/heads/gh-readonly-queue/${baseBranch}/pr-1-${baseSha ?? ZERO_SHA}`;
  const changedFiles = pullRequestFiles(s, baseSha, givenHead);
  const headCommit = headSha === ZERO_SHA ? undefined : commitInfo(s.root, headSha);
  const payload: Json = {
    action,
    merge_group: {
      head_sha: headSha,
      head_ref: headRef,
      base_sha: baseSha ?? ZERO_SHA,
      base_ref: `refs/heads/${baseBranch}`,
      head_commit: headCommit === undefined ? null : commitPayload(headCommit, s.htmlUrl),
    },
    repository: s.repository,
    sender: s.sender,
  };
  return { payload, sha: headSha, ref: headRef, facts: { name: "merge_group", ref: headRef, baseRef: baseBranch, action, changedFiles } };
}

/** Events GitHub runs on the default branch's latest commit (schedule, issues, release, ...). */
function onDefaultBranch(s: RepoState, o: Overrides, name: string, extra: Json): Omit<SynthesizedEvent, "notes"> {
  const ref = o.string("ref") ?? `refs/heads/${s.defaultBranch}`;
  if (s.branch !== undefined && stripHeads(ref) !== s.branch) {
    s.notes.push(`GitHub runs ${name} on ${stripHeads(ref)}; locally the checked-out ${s.branch} runs in its place`);
  }
  const action = o.string("action");
  const payload: Json = { ...extra, repository: s.repository, sender: s.sender };
  const facts: EventFacts = action === undefined ? { name, ref } : { name, ref, action };
  return { payload, sha: s.head, ref, facts };
}

function workflowDispatch(s: RepoState, o: Overrides, inputs: Record<string, string> | undefined): Omit<SynthesizedEvent, "notes"> {
  const ref = o.string("ref") ?? checkedOutRef(s);
  const fileInputs = isObject(o.data.inputs) ? o.data.inputs : {};
  const payload: Json = { inputs: { ...fileInputs, ...inputs }, ref, repository: s.repository, sender: s.sender };
  return { payload, sha: s.head, ref, facts: { name: "workflow_dispatch", ref } };
}

/** The event a local run of `eventName` receives, from the git state of `repoDir` and an optional event file. */
export function synthesizeEvent(repoDir: string, eventName: string, opts: SynthesizeOptions = {}): SynthesizedEvent {
  const path = opts.eventPath ?? "";
  const overrides = new Overrides(opts.eventPath === undefined ? {} : readEventFile(opts.eventPath), path);
  if (!insideGitWorkTree(repoDir)) return plainDirectoryEvent(repoDir, eventName, opts, overrides);
  const s = readState(repoDir, opts.actor);
  let event: Omit<SynthesizedEvent, "notes">;
  switch (eventName) {
    case "push":
      event = push(s, overrides);
      break;
    case "pull_request":
    case "pull_request_target":
      event = pullRequest(s, overrides, eventName);
      break;
    case "merge_group":
      event = mergeGroup(s, overrides);
      break;
    case "workflow_dispatch":
      event = workflowDispatch(s, overrides, opts.inputs);
      break;
    case "schedule":
      event = onDefaultBranch(s, overrides, eventName, opts.cron === undefined ? {} : { schedule: opts.cron });
      break;
    default:
      event = onDefaultBranch(s, overrides, eventName, {});
  }
  let payload = deepMerge(event.payload, overrides.data);
  // Command-line inputs win over the file's, which the merge has just put back on top.
  if (eventName === "workflow_dispatch") payload = { ...payload, inputs: event.payload.inputs };
  const facts = rebaseToSubdirectory(s, repoDir, event.facts);
  return { ...event, facts, payload, notes: s.notes };
}

function insideGitWorkTree(dir: string): boolean {
  try {
    repoRoot(dir);
    return true;
  } catch (err) {
    if (err instanceof GitError && err.kind === "not-a-repository") return false;
    throw err;
  }
}

/**
 * A directory that is not under git still runs: the event names the default branch
 * with no commit, and path filters cannot be evaluated.
 */
function plainDirectoryEvent(repoDir: string, eventName: string, opts: SynthesizeOptions, overrides: Overrides): SynthesizedEvent {
  const name = basename(resolve(repoDir)) || "repository";
  const login = opts.actor ?? defaultActor();
  const ref = overrides.string("ref") ?? "refs/heads/main";
  const repository = { name, full_name: `local/${name}`, owner: { login: "local" }, default_branch: "main" };
  const base: Json = { repository, sender: { login, type: "User" } };
  if (eventName === "push") Object.assign(base, { ref, before: ZERO_SHA, after: ZERO_SHA });
  if (eventName === "workflow_dispatch") Object.assign(base, { ref, inputs: opts.inputs ?? {} });
  const action = overrides.string("action") ?? DEFAULT_ACTION[eventName];
  if (eventName.startsWith("pull_request"))
    Object.assign(base, { action, number: 1, pull_request: { number: 1, head: { ref: "HEAD", sha: ZERO_SHA }, base: { ref: "main", sha: ZERO_SHA } } });
  let payload = deepMerge(base, overrides.data);
  if (eventName === "workflow_dispatch")
    payload = { ...payload, inputs: { ...((overrides.data["inputs"] as Json | undefined) ?? {}), ...(opts.inputs ?? {}) } };
  const baseRef = overrides.string("pull_request", "base", "ref") ?? "main";
  return {
    payload,
    sha: overrides.string("after") ?? ZERO_SHA,
    ref,
    facts: { name: eventName, ref, baseRef, ...(action !== undefined ? { action } : {}) },
    notes: [`${repoDir} is not a git repository: the event has no commit (sha of zeros) and path filters are not checked`],
  };
}

/**
 * A project kept in a subdirectory of a larger git repository (a monorepo, or an
 * example inside another project) sees its path filters relative to its own root.
 */
function rebaseToSubdirectory(s: RepoState, repoDir: string, facts: EventFacts): EventFacts {
  const prefix = relative(realpathSync(s.root), realpathSync(resolve(repoDir)))
    .split(sep)
    .join("/");
  if (prefix === "" || prefix.startsWith("..") || facts.changedFiles === undefined) return facts;
  s.notes.push(`${prefix} is a subdirectory of the git repository at ${s.root}: path filters use paths relative to ${prefix}`);
  const inside = `${prefix}/`;
  return { ...facts, changedFiles: facts.changedFiles.filter((f) => f.startsWith(inside)).map((f) => f.slice(inside.length)) };
}
