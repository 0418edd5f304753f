// What the user sees while a run goes: plain prefixed lines (logs, CI), or a live
// tree on a terminal (tier -> workflow -> job, status, elapsed, the step now running).
import type { JobRef, SchedulerEvent } from "../engine/scheduler.js";
import type { Annotation, JobSink, LogStream, StepInfo, StepRecord } from "../runner/job-types.js";
import { formatDuration } from "../workflow/duration.js";
import { style, type Out } from "./output.js";

export interface Progress {
  event(e: SchedulerEvent): void;
  jobSink(ref: JobRef, workflowName: string): JobSink;
  close(): void;
}

const MARK: Record<string, string> = { success: "✓", failure: "✗", cancelled: "⊘", skipped: "–" };

export function mark(conclusion: string): string {
  const m = MARK[conclusion] ?? "?";
  if (conclusion === "success") return style.green(m);
  if (conclusion === "failure") return style.red(m);
  return style.yellow(m);
}

function label(ref: JobRef, workflowName: string): string {
  return `${workflowName} / ${ref.name}`;
}

/** Every line, prefixed with its job: for logs, pipes and CI. */
export class PlainProgress implements Progress {
  constructor(private readonly out: Out) {}

  event(e: SchedulerEvent): void {
    if (e.type === "tier-start") this.out.log(style.bold(`▶ tier ${e.tier}`));
    else if (e.type === "tier-end") {
      const budget = e.tier.budgetMs ? ` (budget ${formatDuration(e.tier.budgetMs)})` : "";
      this.out.log(
        style.bold(
          `${mark(e.tier.status)} tier ${e.tier.name}: ${e.tier.status} in ${formatDuration(e.tier.durationMs)}${budget}${e.tier.reason ? ` — ${e.tier.reason}` : ""}`,
        ),
      );
    } else if (e.type === "budget-warning") {
      this.out.log(
        style.yellow(
          `! tier ${e.tier} took ${formatDuration(e.durationMs)}, over its budget of ${formatDuration(e.budgetMs)}${e.enforced ? " (enforced: the tier fails)" : ""}`,
        ),
      );
    } else if (e.type === "job-end" && (e.job.startedAt === null || (e.job.conclusion === "success" && e.job.reason !== undefined))) {
      // Jobs that did not run (skipped, kept, reused) have no log of their own to show it.
      this.out.log(`${mark(e.job.conclusion)} ${e.job.workflow} / ${e.job.name}: ${e.job.conclusion}${e.job.reason ? ` (${e.job.reason})` : ""}`);
    }
  }

  jobSink(ref: JobRef, workflowName: string): JobSink {
    const prefix = style.cyan(`[${label(ref, workflowName)}]`);
    const out = this.out;
    return {
      stepStart(step: StepInfo) {
        out.log(`${prefix} ▶ ${step.name}`);
      },
      stepEnd(r: StepRecord) {
        out.log(
          `${prefix} ${mark(r.conclusion)} ${r.name} ${style.dim(`(${formatDuration(r.durationMs)})`)}${r.outcome !== r.conclusion ? style.dim(` outcome ${r.outcome}, continue-on-error`) : ""}`,
        );
      },
      log(_i: number | null, stream: LogStream, line: string) {
        out.log(`${prefix} ${stream === "system" ? style.dim(line) : `  ${line}`}`);
      },
      annotation(_i: number | null, a: Annotation) {
        // The message itself is already in the log; only where it points is new.
        if (a.file) out.log(`${prefix} ${style.dim(`  at ${a.file}${a.line ? `:${a.line}` : ""}${a.col ? `:${a.col}` : ""}`)}`);
      },
    };
  }

  close(): void {}
}

interface LiveJob {
  ref: JobRef;
  workflowName: string;
  state: "queued" | "running" | string;
  startedAt?: number;
  durationMs?: number;
  step?: string;
  tail: string[];
}

const TAIL = 25;

/** A tree redrawn in place; the logs of a failed job are printed above it when it ends. */
export class TreeProgress implements Progress {
  private readonly jobs = new Map<string, LiveJob>();
  private readonly tiers: { name: string; state: string; detail: string }[] = [];
  private drawn = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }

  private key(ref: JobRef): string {
    return [...ref.callers, `${ref.workflow}#${ref.key}`].join(">");
  }

  private entry(ref: JobRef, workflowName = ref.workflow): LiveJob {
    const k = this.key(ref);
    let j = this.jobs.get(k);
    if (!j) {
      j = { ref, workflowName, state: "queued", tail: [] };
      this.jobs.set(k, j);
    }
    return j;
  }

  private above(lines: string[]): void {
    this.clear();
    for (const l of lines) this.stream.write(`${l}\n`);
    this.draw();
  }

  event(e: SchedulerEvent): void {
    if (e.type === "tier-start") this.tiers.push({ name: e.tier, state: "running", detail: "" });
    else if (e.type === "tier-end") {
      const t = this.tiers.find((x) => x.name === e.tier.name);
      if (t) {
        t.state = e.tier.status;
        t.detail = `${formatDuration(e.tier.durationMs)}${e.tier.budgetMs ? ` / ${formatDuration(e.tier.budgetMs)}` : ""}`;
      } else this.tiers.push({ name: e.tier.name, state: e.tier.status, detail: e.tier.reason ?? "" });
    } else if (e.type === "budget-warning") {
      this.above([style.yellow(`! tier ${e.tier} took ${formatDuration(e.durationMs)}, over its budget of ${formatDuration(e.budgetMs)}`)]);
    } else if (e.type === "job-queued") this.entry(e.job);
    else if (e.type === "job-start") {
      const j = this.entry(e.job);
      j.state = "running";
      j.startedAt = e.startedAt;
    } else if (e.type === "job-end") {
      const j = this.entry(e.job);
      j.state = e.job.conclusion;
      j.durationMs = e.job.durationMs;
      j.step = undefined;
      if (e.job.conclusion === "failure" && !e.job.continuedOnError && j.tail.length > 0) {
        this.above([style.red(`✗ ${j.workflowName} / ${j.ref.name}: last ${j.tail.length} lines`), ...j.tail.map((l) => `  ${l}`)]);
      }
    }
    this.draw();
  }

  jobSink(ref: JobRef, workflowName: string): JobSink {
    const j = this.entry(ref, workflowName);
    j.workflowName = workflowName;
    return {
      stepStart: (s) => {
        j.step = s.name;
      },
      stepEnd: () => {},
      log: (_i, _s, line) => {
        j.tail.push(line);
        if (j.tail.length > TAIL) j.tail.shift();
      },
      annotation: (_i, a) => {
        const where = a.file ? `${a.file}${a.line ? `:${a.line}` : ""}: ` : "";
        j.tail.push(`${where}${a.level}: ${a.message}`);
        if (j.tail.length > TAIL) j.tail.shift();
      },
    };
  }

  private clear(): void {
    if (this.drawn > 0) this.stream.write(`\u001b[${this.drawn}F\u001b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    const lines: string[] = [];
    const now = Date.now();
    for (const tier of this.tiers) {
      lines.push(`${tier.state === "running" ? style.cyan("●") : mark(tier.state)} ${style.bold(`tier ${tier.name}`)} ${style.dim(tier.detail)}`);
      const byWorkflow = new Map<string, LiveJob[]>();
      for (const j of this.jobs.values()) {
        if (j.ref.tier !== tier.name) continue;
        const list = byWorkflow.get(j.workflowName) ?? [];
        list.push(j);
        byWorkflow.set(j.workflowName, list);
      }
      for (const [wf, jobs] of byWorkflow) {
        lines.push(`  ${wf}`);
        for (const j of jobs) {
          const elapsed = j.durationMs ?? (j.startedAt ? now - j.startedAt : 0);
          const icon = j.state === "running" ? style.cyan("●") : j.state === "queued" ? style.dim("○") : mark(j.state);
          const time = j.state === "queued" ? "" : style.dim(` ${formatDuration(elapsed)}`);
          const step = j.step && j.state === "running" ? style.dim(`  ${j.step}`) : "";
          lines.push(`    ${icon} ${j.ref.name}${time}${step}`);
        }
      }
    }
    this.clear();
    for (const l of lines) this.stream.write(`${l}\n`);
    this.drawn = lines.length;
  }

  close(): void {
    clearInterval(this.timer);
    this.draw();
  }
}
