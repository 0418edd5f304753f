// Commit statuses and check runs, as GitHub's REST API takes them (GitHub Enterprise and Gitea
// take statuses at the same paths under their own API base). Check runs carry the run's
// annotations; GitHub accepts at most 50 per request, so the rest follow in updates.
import { Octokit } from "@octokit/rest";
import type { RepoConfig } from "../config.js";
import { PartialDelivery, type OutboxItem } from "./outbox.js";

export const ANNOTATIONS_PER_REQUEST = 50;

export interface StatusPayload {
  sha: string;
  state: "pending" | "success" | "failure" | "error";
  context: string;
  description: string;
  target_url: string;
}

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
}

export interface CheckPayload {
  sha: string;
  name: string;
  conclusion: "success" | "failure" | "cancelled" | "skipped";
  details_url: string;
  title: string;
  summary: string;
  annotations: CheckAnnotation[];
  /** Progress kept across attempts: the check run made, and how many annotations it has. */
  check_id?: number;
  sent?: number;
}

function client(repo: RepoConfig): { octokit: Octokit; owner: string; name: string } {
  if (!repo.status) throw new Error(`${repo.name} has no status settings`);
  const [owner = "", name = ""] = repo.name.split("/");
  // No retries or throttling inside Octokit: the outbox retries, and records what failed.
  return {
    octokit: new Octokit({
      auth: repo.status.token,
      baseUrl: repo.status.apiUrl,
      userAgent: "tierci",
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    }),
    owner,
    name,
  };
}

export async function deliverStatus(repo: RepoConfig, item: OutboxItem, signal: AbortSignal): Promise<undefined> {
  const p = item.payload as unknown as StatusPayload;
  const { octokit, owner, name } = client(repo);
  await octokit.rest.repos.createCommitStatus({
    owner,
    repo: name,
    sha: p.sha,
    state: p.state,
    context: p.context,
    description: p.description,
    target_url: p.target_url,
    request: { signal },
  });
}

export async function deliverCheckRun(repo: RepoConfig, item: OutboxItem, signal: AbortSignal): Promise<Record<string, unknown>> {
  const p = { ...(item.payload as unknown as CheckPayload) };
  const { octokit, owner, name } = client(repo);
  const output = (annotations: CheckAnnotation[]): { title: string; summary: string; annotations: CheckAnnotation[] } => ({
    title: p.title,
    summary: p.summary,
    annotations,
  });
  try {
    if (p.check_id === undefined) {
      const first = p.annotations.slice(0, ANNOTATIONS_PER_REQUEST);
      const made = await octokit.rest.checks.create({
        owner,
        repo: name,
        name: p.name,
        head_sha: p.sha,
        status: "completed",
        conclusion: p.conclusion,
        details_url: p.details_url,
        output: output(first),
        request: { signal },
      });
      p.check_id = made.data.id;
      p.sent = first.length;
    }
    while ((p.sent ?? 0) < p.annotations.length) {
      const batch = p.annotations.slice(p.sent, (p.sent ?? 0) + ANNOTATIONS_PER_REQUEST);
      await octokit.rest.checks.update({ owner, repo: name, check_run_id: p.check_id, output: output(batch), request: { signal } });
      p.sent = (p.sent ?? 0) + batch.length;
    }
  } catch (err) {
    if (p.check_id !== undefined) throw new PartialDelivery(err instanceof Error ? err.message : String(err), p as unknown as Record<string, unknown>);
    throw err;
  }
  return p as unknown as Record<string, unknown>;
}
