// Chat notifications through Slack and Discord incoming webhooks: on a failure, and on the
// recovery that follows it (the first success of a workflow on a branch after a failure there).
import type { NotifyConfig, NotifyEvent, RepoConfig } from "../config.js";
import type { OutboxItem } from "./outbox.js";

/** Discord refuses a message's content over 2000 characters; Slack's text is kept as short. */
const MAX_TEXT = 2000;

export interface ChatPayload {
  /** Which of the repository's `notify` entries: its URL is a secret and stays in the config. */
  target: number;
  text: string;
}

/** What a workflow's outcome on a branch is, for notifications; undefined when it is none of them. */
export function notifyEvent(conclusion: string, previous: string | undefined): NotifyEvent | undefined {
  if (conclusion === "failure") return "failure";
  if (conclusion !== "success") return undefined;
  return previous === "failure" ? "recovery" : "success";
}

export function chatBody(kind: NotifyConfig["kind"], text: string): Record<string, unknown> {
  const cut = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
  return kind === "slack" ? { text: cut } : { content: cut, allowed_mentions: { parse: [] } };
}

export async function deliverChat(repo: RepoConfig, item: OutboxItem, signal: AbortSignal): Promise<undefined> {
  const p = item.payload as unknown as ChatPayload;
  const target = repo.notify[p.target];
  if (!target) return;
  const res = await fetch(target.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(chatBody(target.kind, p.text)),
    signal,
  });
  if (!res.ok) throw Object.assign(new Error(`${target.kind} answered ${res.status}`), { status: res.status });
}
