// What the HTTP routes share: the config, the records, the queue. Routes read and queue; only
// the run queue runs anything.
import type { RunStore } from "../../store/index.js";
import type { Role, ServerConfig } from "../config.js";
import type { LiveLogs } from "../live-logs.js";
import type { ServerMetrics } from "../metrics.js";
import type { RunQueue } from "../run-queue.js";
import type { AgentServices } from "../queue/agent-services.js";
import type { ServerDb } from "../server-db.js";

export interface ServerContext {
  config: ServerConfig;
  db: ServerDb;
  store: RunStore;
  queue: RunQueue;
  live: LiveLogs;
  metrics: ServerMetrics;
  /** The job queue for agents: present when the database is Postgres. */
  agents?: AgentServices;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** The role a route needs; routes without one are public (the webhook checks its signature). */
    role?: Role;
  }
}
