// `tierci serve` put together: the records, the run queue with its executor pool and shared
// concurrency groups, the schedules and the HTTP server, started in that order and stopped in
// the reverse one. Everything lives under the config's data directory, except the run store when
// the config's database is a Postgres URL.
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
import { RunQueue, type Logger } from "./run-queue.js";
import { Schedules } from "./schedules.js";
import { ServerDb } from "./server-db.js";
import { deliverChat } from "./report/chat.js";
import { deliverCheckRun, deliverStatus } from "./report/forge.js";
import { Outbox, type Deliver, type OutboxOptions } from "./report/outbox.js";
import { ForgeReporter } from "./report/reporter.js";
import type { RepoConfig } from "./config.js";

export interface ServeOptions {
  /** Jobs at once across all runs. */
  jobs: number;
  logger: FastifyServerOptions["logger"];
  /** Retries and timeouts of statuses, check runs and chat messages. */
  outbox?: OutboxOptions;
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
    store = openStore(config.database.kind === "postgres" ? config.database.url : join(config.data, "runs.db"));
    const runStore = store;
    const live = new LiveLogs();
    const metrics = new ServerMetrics(db);
    // The queue logs through the HTTP server's structured logger, made just below.
    const late: { app?: FastifyInstance; url?: string } = {};
    const log: Logger = { info: (o, m) => late.app?.log.info(o, m), error: (o, m) => late.app?.log.error(o, m) };
    const outbox = new Outbox(db.db, log, opts.outbox);
    const forRepo = (deliver: (repo: RepoConfig, ...rest: Parameters<Deliver>) => ReturnType<Deliver>): Deliver => {
      return async (item, signal) => {
        const repo = config.repos.find((r) => r.name === item.repo);
        if (!repo) throw new Error(`the repository ${item.repo} is no longer in the config`);
        return deliver(repo, item, signal);
      };
    };
    outbox.handle("status", forRepo(deliverStatus));
    outbox.handle("check", forRepo(deliverCheckRun));
    outbox.handle("chat", forRepo(deliverChat));
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
      observers: [metrics.observer(store), new ForgeReporter(outbox, config.repos, db, () => config.publicUrl ?? late.url ?? "")],
    });
    const app = buildApp({ config, db, store, live, metrics, queue }, opts.logger);
    late.app = app;
    const schedules = new Schedules({ db, repos: config.repos, queue, log });
    await app.listen({ host: config.listen.host, port: config.listen.port });
    const address = app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : config.listen.port;
    const host = config.listen.host.includes(":") ? `[${config.listen.host}]` : config.listen.host;
    const url = `http://${host}:${port}`;
    late.url = url;
    await queue.recover();
    schedules.start();
    outbox.start();
    return {
      app,
      url,
      async close(graceMs: number) {
        await app.close();
        await schedules.stop();
        await queue.drain(graceMs);
        await outbox.close();
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
