// `tierci serve` put together: the records, the run queue with its executor pool and shared
// concurrency groups, the schedules and the HTTP server, started in that order and stopped in
// the reverse one. Everything lives under the config's data directory, except the run store when
// the config's database is a Postgres URL.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
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
import { SqliteServerDb, type ServerDb } from "./server-db.js";
import { PostgresServerDb } from "./server-db-postgres.js";
import { deliverChat } from "./report/chat.js";
import { deliverCheckRun, deliverStatus } from "./report/forge.js";
import { Outbox, type Deliver, type OutboxOptions } from "./report/outbox.js";
import { ForgeReporter } from "./report/reporter.js";
import type { RepoConfig } from "./config.js";
import { openAgentServices, type AgentServices } from "./queue/agent-services.js";
import { Leadership } from "./queue/leadership.js";
import { CHANNELS } from "./queue/notifier.js";
import { RemoteRun } from "./queue/remote-runner.js";

export interface ServeOptions {
  /** Jobs at once across all runs, on this machine; with Postgres, jobs go to agents instead. */
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
  const db: ServerDb = config.database.kind === "postgres" ? new PostgresServerDb(config.database.url) : new SqliteServerDb(join(config.data, "server.db"));
  let store: RunStore | undefined;
  let agents: AgentServices | undefined;
  try {
    store = openStore(config.database.kind === "postgres" ? config.database.url : join(config.data, "runs.db"));
    const runStore = store;
    const live = new LiveLogs();
    const metrics = new ServerMetrics(db);
    // The queue logs through the HTTP server's structured logger, made just below.
    const late: { app?: FastifyInstance; url?: string } = {};
    const log: Logger = { info: (o, m) => late.app?.log.info(o, m), error: (o, m) => late.app?.log.error(o, m) };
    // Each replica delivers what it queued itself, from a file of its own.
    const outboxDb = db instanceof SqliteServerDb ? db.db : new Database(join(config.data, "outbox.db"));
    const outbox = new Outbox(outboxDb, log, opts.outbox);
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
    // With Postgres every job goes through the shared queue to an agent (the server's own jobs
    // included, see `tierci serve`), and one replica at a time runs the runs.
    const owner = `${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
    const postgresUrl = config.database.kind === "postgres" ? config.database.url : undefined;
    if (postgresUrl !== undefined)
      agents = await openAgentServices(postgresUrl, config.agentLeaseMs, (r) =>
        log.info(r, `leases ran out: ${r.requeued} job(s) back on the queue, ${r.lost} failed because their agent stopped responding`),
      );
    const shared = agents;
    if (shared) metrics.watchAgents(() => shared.queue.counts());
    const queue = new RunQueue({
      db,
      store,
      repos: config.repos,
      dataDir: config.data,
      pool: new Slots(shared ? Number.MAX_SAFE_INTEGER : opts.jobs),
      maxActiveRuns: shared ? 64 : Math.max(4, opts.jobs * 2),
      ...(shared
        ? {
            leading: false,
            remote: (repo: string, checkout: string) =>
              new RemoteRun({ queue: shared.queue, blobs: shared.blobs, notifier: shared.notifier, owner }, repo, checkout),
            announce: () => void shared.pool.query("SELECT pg_notify($1, '')", [CHANNELS.runs]).catch(() => undefined),
          }
        : {}),
      concurrency: new LocalConcurrency(),
      live,
      log,
      observers: [metrics.observer(store), new ForgeReporter(outbox, config.repos, db, () => config.publicUrl ?? late.url ?? "")],
    });
    const app = buildApp({ config, db, store, live, metrics, queue, ...(shared ? { agents: shared } : {}) }, opts.logger);
    late.app = app;
    const schedules = new Schedules({ db, repos: config.repos, queue, log });
    await app.listen({ host: config.listen.host, port: config.listen.port });
    const address = app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : config.listen.port;
    const host = config.listen.host.includes(":") ? `[${config.listen.host}]` : config.listen.host;
    const url = `http://${host}:${port}`;
    late.url = url;
    const replicas = shared && postgresUrl !== undefined ? await followLeader(postgresUrl, shared, owner, queue, schedules, log) : undefined;
    if (!replicas) {
      await queue.recover();
      schedules.start();
    }
    outbox.start();
    return {
      app,
      url,
      async close(graceMs: number) {
        await app.close();
        await schedules.stop();
        await queue.drain(graceMs);
        // Only now may another replica take over: this one's runs have ended.
        await replicas?.close();
        await outbox.close();
        if (!(db instanceof SqliteServerDb)) outboxDb.close();
        await shared?.close();
        runStore.close();
        db.close();
      },
    };
  } catch (err) {
    await agents?.close();
    store?.close();
    db.close();
    throw err;
  }
}

/**
 * Runs the runs while this replica holds the leader's lock, and takes over when the leader goes:
 * first the jobs the last leader handed out are called back, then its runs are recovered.
 */
async function followLeader(
  url: string,
  agents: AgentServices,
  owner: string,
  queue: RunQueue,
  schedules: Schedules,
  log: Logger,
): Promise<{ close(): Promise<void> }> {
  let closed = false;
  const leadership = new Leadership(url, {
    lead: () => {
      void (async () => {
        const abandoned = await agents.queue.abandonOthers(owner);
        if (abandoned > 0) log.info({ abandoned }, `took over from the last leader: ${abandoned} job(s) it handed out were called back`);
        await queue.lead();
        schedules.start();
        log.info({ owner }, "this replica now runs the queued runs and the schedules");
      })().catch((err: unknown) => log.error({ err }, "could not take over as the replica that runs runs"));
    },
    lost: () => {
      log.error({ owner }, "lost the leader's lock on the database: this replica's runs are cancelled and another replica takes over");
      queue.stopLeading("the server lost its connection to the database");
      void schedules.stop();
    },
  });
  await leadership.start();
  const loop = (async () => {
    while (!closed) {
      await agents.notifier.wait(CHANNELS.runs, 1000);
      if (!leadership.leading || closed) continue;
      try {
        queue.kick();
        queue.applyCancelRequests();
      } catch (err) {
        log.error({ err }, "could not look for queued runs and cancels; trying again");
      }
    }
  })();
  return {
    async close() {
      closed = true;
      await loop;
      await leadership.close();
    },
  };
}
