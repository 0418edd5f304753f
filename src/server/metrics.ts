// The server's Prometheus metrics: queue depth, runs and jobs by conclusion, run durations and
// webhook deliveries by result. One registry per server, so two servers in one process (tests)
// do not share counters.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RunObserver } from "./run-queue.js";
import type { ServerDb, ServerRun } from "./server-db.js";
import type { RunStore } from "../store/index.js";

export type DeliveryResult = "queued" | "nothing" | "duplicate" | "unauthorized" | "unknown_repo" | "malformed" | "too_large";

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly deliveries = new Counter({
    name: "tierci_webhook_deliveries_total",
    help: "Webhook deliveries by result",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  private readonly runs = new Counter({
    name: "tierci_runs_total",
    help: "Finished runs by conclusion",
    labelNames: ["conclusion"] as const,
    registers: [this.registry],
  });
  private readonly jobs = new Counter({
    name: "tierci_jobs_total",
    help: "Finished jobs by conclusion",
    labelNames: ["conclusion"] as const,
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: "tierci_run_duration_seconds",
    help: "Run durations from start to end",
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });

  constructor(db: ServerDb) {
    new Gauge({
      name: "tierci_runs_queued",
      help: "Runs waiting to start",
      registers: [this.registry],
      collect() {
        this.set(db.countByStatus().queued);
      },
    });
    new Gauge({
      name: "tierci_runs_in_progress",
      help: "Runs in progress",
      registers: [this.registry],
      collect() {
        this.set(db.countByStatus().in_progress);
      },
    });
  }

  /** The shared job queue's depth and the agents asking it for work (several machines). */
  watchAgents(counts: () => Promise<{ queued: number; leased: number; agents: number }>): void {
    const gauge = (name: string, help: string, pick: (c: { queued: number; leased: number; agents: number }) => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.set(pick(await counts()));
        },
      });
    };
    gauge("tierci_agent_jobs_queued", "Jobs waiting for an agent", (c) => c.queued);
    gauge("tierci_agent_jobs_leased", "Jobs leased to an agent", (c) => c.leased);
    gauge("tierci_agents_connected", "Agents that asked for work in the last minute", (c) => c.agents);
  }

  delivery(result: DeliveryResult): void {
    this.deliveries.inc({ result });
  }

  /** Counts each finished run and its jobs. */
  observer(store: RunStore): RunObserver {
    return {
      finished: (run: ServerRun) => {
        this.runs.inc({ conclusion: run.conclusion ?? "unknown" });
        if (run.startedAt !== null && run.finishedAt !== null) this.durations.observe((run.finishedAt - run.startedAt) / 1000);
        if (run.pipelineRunId) for (const job of store.jobsOf(run.pipelineRunId)) this.jobs.inc({ conclusion: job.conclusion ?? "unknown" });
      },
    };
  }
}
