// Turns the server's runs into what the forge and the chat are told: a pending status per
// workflow when a run starts; at its end the final statuses, a check run per workflow with its
// annotations, and a chat message on failure or recovery. All of it goes through the outbox.
import { basename } from "node:path";
import type { RepoConfig } from "../config.js";
import type { RunObserver } from "../run-queue.js";
import type { ServerDb, ServerRun } from "../server-db.js";
import { notifyEvent, type ChatPayload } from "./chat.js";
import type { CheckAnnotation, CheckPayload, StatusPayload } from "./forge.js";
import type { Outbox } from "./outbox.js";

interface SummaryJob {
  workflow: string;
  name: string;
  conclusion: string;
  annotations: { level: string; file: string | null; line: number | null; message: string }[];
}

const DESCRIPTION_MAX = 140;

function short(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function state(conclusion: string): StatusPayload["state"] {
  if (conclusion === "success" || conclusion === "skipped") return "success";
  return conclusion === "failure" ? "failure" : "error";
}

/** A workflow's conclusion from its jobs: failure wins, then cancelled, then success. */
function workflowConclusion(jobs: SummaryJob[]): "success" | "failure" | "cancelled" | "skipped" {
  if (jobs.some((j) => j.conclusion === "failure")) return "failure";
  if (jobs.some((j) => j.conclusion === "cancelled")) return "cancelled";
  return jobs.every((j) => j.conclusion === "skipped") ? "skipped" : "success";
}

function annotationsOf(jobs: SummaryJob[]): { placed: CheckAnnotation[]; loose: string[] } {
  const placed: CheckAnnotation[] = [];
  const loose: string[] = [];
  for (const j of jobs) {
    for (const a of j.annotations) {
      const level = a.level === "error" ? "failure" : a.level === "warning" ? "warning" : "notice";
      if (a.file && a.line !== null)
        placed.push({ path: a.file, start_line: a.line, end_line: a.line, annotation_level: level, message: short(a.message, 64 * 1024 - 1) });
      else loose.push(`- ${a.level} in ${j.name}: ${a.message}`);
    }
  }
  return { placed, loose };
}

export class ForgeReporter implements RunObserver {
  constructor(
    private readonly outbox: Outbox,
    private readonly repos: readonly RepoConfig[],
    private readonly db: ServerDb,
    /** Known once the server listens, when the config names none. */
    private readonly publicUrl: () => string,
  ) {}

  private runUrl(run: ServerRun): string {
    return `${this.publicUrl()}/runs/${run.id}`;
  }

  started(run: ServerRun): void {
    const repo = this.repos.find((r) => r.name === run.repo);
    if (!repo?.status || !run.sha) return;
    for (const file of run.workflowFiles) {
      this.status(repo, run, `tierci/${basename(file)}`, "pending", `running (run #${run.number})`);
    }
  }

  finished(run: ServerRun): void {
    const repo = this.repos.find((r) => r.name === run.repo);
    if (!repo) return;
    const jobs = ((run.summary as { jobs?: SummaryJob[] } | null)?.jobs ?? []) as SummaryJob[];
    const byWorkflow = new Map<string, SummaryJob[]>();
    for (const j of jobs) byWorkflow.set(j.workflow, [...(byWorkflow.get(j.workflow) ?? []), j]);
    if (repo.status && run.sha) this.statuses(repo, run, byWorkflow);
    if (repo.notify.length > 0) this.chat(repo, run, byWorkflow);
  }

  private status(repo: RepoConfig, run: ServerRun, context: string, s: StatusPayload["state"], description: string): void {
    const payload: StatusPayload = { sha: run.sha ?? "", state: s, context, description: short(description, DESCRIPTION_MAX), target_url: this.runUrl(run) };
    this.outbox.enqueue("status", repo.name, { ...payload }, `${payload.sha} ${context}`);
  }

  private statuses(repo: RepoConfig, run: ServerRun, byWorkflow: Map<string, SummaryJob[]>): void {
    if (byWorkflow.size === 0) {
      // Nothing ran: say why on the commit, once.
      if (run.conclusion === "failure") this.status(repo, run, "tierci", "failure", run.note ?? "the run failed before any job started");
      for (const file of run.workflowFiles)
        this.status(repo, run, `tierci/${basename(file)}`, state(run.conclusion ?? "failure"), run.note ?? run.conclusion ?? "");
      return;
    }
    for (const [file, jobs] of byWorkflow) {
      const conclusion = workflowConclusion(jobs);
      const failed = jobs.filter((j) => j.conclusion === "failure").map((j) => j.name);
      if (repo.status?.per === "job") {
        for (const j of jobs) this.status(repo, run, `tierci/${basename(file)}/${j.name}`, state(j.conclusion), `${j.conclusion} (run #${run.number})`);
      } else {
        this.status(
          repo,
          run,
          `tierci/${basename(file)}`,
          state(conclusion),
          failed.length ? `failed: ${failed.join(", ")}` : `${conclusion} (run #${run.number})`,
        );
      }
      if (repo.status?.checkRuns) {
        const { placed, loose } = annotationsOf(jobs);
        const lines = jobs.map((j) => `- ${j.name}: ${j.conclusion}`);
        const summary = short(
          [`Run #${run.number}: ${this.runUrl(run)}`, "", ...lines, ...(loose.length ? ["", ...loose.slice(0, 50)] : [])].join("\n"),
          65_000,
        );
        const check: CheckPayload = {
          sha: run.sha ?? "",
          name: `tierci/${basename(file)}`,
          conclusion,
          details_url: this.runUrl(run),
          title: `${basename(file)}: ${conclusion}`,
          summary,
          annotations: placed,
        };
        this.outbox.enqueue("check", repo.name, { ...check });
      }
    }
  }

  private chat(repo: RepoConfig, run: ServerRun, byWorkflow: Map<string, SummaryJob[]>): void {
    const branch = (run.ref ?? "").replace(/^refs\/heads\//, "");
    const lines: { event: string; text: string }[] = [];
    for (const [file, jobs] of byWorkflow) {
      const conclusion = workflowConclusion(jobs);
      const event = notifyEvent(conclusion, run.ref ? this.db.previousConclusion(run.repo, run.ref, file, run.id) : undefined);
      if (!event) continue;
      const failed = jobs.filter((j) => j.conclusion === "failure").map((j) => j.name);
      const what = event === "failure" ? `FAILED (${failed.join(", ")})` : event === "recovery" ? "is green again" : "passed";
      lines.push({ event, text: `${repo.name} ${basename(file)} on ${branch} at ${(run.sha ?? "").slice(0, 7)}: ${what}` });
    }
    repo.notify.forEach((target, index) => {
      const wanted = lines.filter((l) => (target.on as string[]).includes(l.event));
      if (wanted.length === 0) return;
      const payload: ChatPayload = { target: index, text: [...wanted.map((l) => l.text), `Run #${run.number}: ${this.runUrl(run)}`].join("\n") };
      this.outbox.enqueue("chat", repo.name, { ...payload });
    });
  }
}
