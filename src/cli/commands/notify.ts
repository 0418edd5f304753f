// `tierci notify`: a plain bare git repository's post-receive hook. Each updated ref becomes a
// push delivery shaped as GitHub's, signed with the repository's webhook secret, so a team
// without a forge gets the same runs. Reads git's `OLD NEW REF` lines from standard input.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { sign } from "@octokit/webhooks-methods";
import { ZERO_SHA } from "../../git/git.js";
import type { Out } from "../output.js";
import { serverRequest, ServerUnreachable } from "./server-request.js";

export interface NotifyOptions {
  server: string;
  repo: string;
  secretEnv: string;
  gitDir: string;
}

const MAX_COMMITS = 20;

function git(gitDir: string, args: string[]): string | undefined {
  const r = spawnSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  return r.status === 0 ? r.stdout : undefined;
}

function commitsOf(gitDir: string, before: string, after: string): Record<string, unknown>[] {
  const range = before === ZERO_SHA ? [after, `-${MAX_COMMITS}`] : [`${before}..${after}`, `-${MAX_COMMITS}`];
  const text = git(gitDir, ["log", "--reverse", "--format=%H%x00%B%x00%aI%x00%an%x00%ae%x1e", ...range]) ?? "";
  return text
    .split("\x1e")
    .map((r) => r.replace(/^\n/, ""))
    .filter(Boolean)
    .map((r) => {
      const [id = "", message = "", timestamp = "", name = "", email = ""] = r.split("\0");
      return { id, message: message.trimEnd(), timestamp, author: { name, email }, committer: { name, email } };
    });
}

/** The push payload GitHub would send for this ref update (the fields workflows and tierci read). */
export function pushPayload(gitDir: string, repo: string, update: { before: string; after: string; ref: string }, pusher: string): Record<string, unknown> {
  const [owner = "", name = ""] = repo.split("/");
  const head = (git(gitDir, ["symbolic-ref", "--short", "HEAD"]) ?? "main").trim();
  const deleted = update.after === ZERO_SHA;
  const commits = deleted ? [] : commitsOf(gitDir, update.before, update.after);
  return {
    ref: update.ref,
    before: update.before,
    after: update.after,
    created: update.before === ZERO_SHA,
    deleted,
    forced: false,
    commits,
    head_commit: commits.at(-1) ?? null,
    repository: { full_name: repo, name, owner: { login: owner, name: owner }, default_branch: head },
    pusher: { name: pusher },
    sender: { login: pusher },
  };
}

export async function notifyCommand(out: Out, o: NotifyOptions, input: string): Promise<number> {
  const secret = process.env[o.secretEnv];
  if (!secret) {
    out.err(`tierci notify: set ${o.secretEnv} to the repository's webhook secret (webhook_secret_env in the server's config)`);
    return 2;
  }
  const pusher = process.env["GL_USERNAME"] ?? process.env["USER"] ?? "git";
  let failed = 0;
  for (const line of input
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)) {
    const [before = "", after = "", ref = ""] = line.split(/\s+/);
    if (!/^[0-9a-f]{40}$/.test(before) || !/^[0-9a-f]{40}$/.test(after) || !ref.startsWith("refs/")) {
      out.err(`tierci notify: expected 'OLD NEW REF' lines from git, got '${line}'`);
      return 2;
    }
    const body = Buffer.from(JSON.stringify(pushPayload(o.gitDir, o.repo, { before, after, ref }, pusher)));
    const headers = { "x-github-event": "push", "x-github-delivery": randomUUID(), "x-hub-signature-256": await sign(secret, body.toString("utf8")) };
    try {
      const res = await serverRequest(o.server, "hooks/github", { body: undefined, raw: body, headers });
      const answer = res.body as { run_ids?: string[]; reason?: string; error?: string };
      if (res.status === 202) out.log(`tierci: ${ref}: queued run ${(answer.run_ids ?? []).join(", ")}`);
      else if (res.status === 200) out.log(`tierci: ${ref}: ${answer.reason ?? "nothing to run"}`);
      else {
        failed++;
        out.err(`tierci notify: ${ref}: the server answered ${res.status}: ${answer.error ?? ""}`);
      }
    } catch (err) {
      if (!(err instanceof ServerUnreachable)) throw err;
      failed++;
      out.err(`tierci notify: ${err.message}`);
    }
  }
  return failed > 0 ? 1 : 0;
}
