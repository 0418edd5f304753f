// `tierci serve` put together: the records, the run queue with its executor pool and shared
// concurrency groups, the schedules and the HTTP server, started in that order and stopped in
// the reverse one. Everything lives under the config's data directory.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import { LocalConcurrency } from "../engine/concurrency.js";
import { Slots } from "../engine/scheduler.js";
import { openStore, type RunStore } from "../store/index.js";
import type { ServerConfig } from "./config.js";
import { buildApp } from "./http/app.js";
import { LiveLogs } from "./live-logs.js";
import { ServerMetrics } from "./metrics.js";
import { RunQueue, type Logger, type RunObserver } from "./run-queue.js";
import { Schedules } from "./schedules.js";
import { ServerDb } from "./server-db.js";

export interface ServeOptions {
  /** Jobs at once across all runs. */
  jobs: number;
  logger: FastifyServerOptions["logger"];
  /** More observers of runs (statuses, notifications). */
  observers?: RunObserver[];
}

export interface RunningServer {
  app: FastifyInstance;
  /** `http://host:port`, with the port actually bound. */
  url: string;
  /** Stops taking work; running jobs get `graceMs` to end before they are cancelled. */
  close(graceMs: number): Promise<void>;
}

export async function startServer(config: ServerConfig, opts: ServeOptions): Promise<RunningServer> {
  mkdirSync(config.data, { recursive: true });
  const db = new ServerDb(join(config.data, "server.db"));
  let store: RunStore | undefined;
  try {
    store = openStore(join(config.data, "runs.db"));
    const runStore = store;
    const live = new LiveLogs();
    const metrics = new ServerMetrics(db);
    // The queue logs through the HTTP server's structured logger, made just below.
    const late: { app?: FastifyInstance } = {};
    const log: Logger = { info: (o, m) => late.app?.log.info(o, m), error: (o, m) => late.app?.log.error(o, m) };
    const queue = new RunQueue({
      db,
      store,
      repos: config.repos,
      dataDir: config.data,
      pool: new Slots(opts.jobs),
      maxActiveRuns: Math.max(4, opts.jobs * 2),
      concurrency: new LocalConcurrency(),
      live,
      log,
      observers: [metrics.observer(store), ...(opts.observers ?? [])],
    });
    const app = buildApp({ config, db, store, live, metrics, queue }, opts.logger);
    late.app = app;
    const schedules = new Schedules({ db, repos: config.repos, queue, log });
    await app.listen({ host: config.listen.host, port: config.listen.port });
    await queue.recover();
    schedules.start();
    const address = app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : config.listen.port;
    const host = config.listen.host.includes(":") ? `[${config.listen.host}]` : config.listen.host;
    return {
      app,
      url: `http://${host}:${port}`,
      async close(graceMs: number) {
        await app.close();
        await schedules.stop();
        await queue.drain(graceMs);
        runStore.close();
        db.close();
      },
    };
  } catch (err) {
    store?.close();
    db.close();
    throw err;
  }
}
