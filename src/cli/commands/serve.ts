// `tierci serve`: the config read and checked first (exit 2 with file:line and nothing started),
// then the server until SIGTERM or SIGINT, which stop it gracefully: no new work, running jobs
// get the grace period, then they are cancelled as GitHub cancels jobs.
import { resolve } from "node:path";
import { ConfigError, listenAddress, loadServerConfig, type ServerConfig } from "../../server/config.js";
import type { OutboxOptions } from "../../server/report/outbox.js";
import { startServer } from "../../server/server.js";
import { PostgresError, redactUrl, StoreError } from "../../store/index.js";
import type { Out } from "../output.js";
import { parseDuration } from "../../workflow/duration.js";

export interface ServeOptions {
  config: string;
  listen?: string;
  data?: string;
  jobs?: string;
  gracePeriod: string;
}

function overridden(config: ServerConfig, o: ServeOptions, out: Out): ServerConfig | undefined {
  let listen = config.listen;
  if (o.listen !== undefined) {
    const address = listenAddress(o.listen);
    if (!address) return void out.err(`tierci serve: --listen must be HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got '${o.listen}'`);
    listen = address;
  }
  return { ...config, listen, data: o.data !== undefined ? resolve(o.data) : config.data };
}

/** How statuses, check runs and chat messages are retried: TIERCI_FORGE_TIMEOUT, _RETRY_DELAY, _ATTEMPTS. */
function outboxTuning(env: NodeJS.ProcessEnv, out: Out): OutboxOptions | undefined {
  const tuning: OutboxOptions = {};
  for (const [name, key] of [
    ["TIERCI_FORGE_TIMEOUT", "timeoutMs"],
    ["TIERCI_FORGE_RETRY_DELAY", "baseDelayMs"],
  ] as const) {
    const text = env[name];
    if (text === undefined) continue;
    const ms = parseDuration(text);
    if (ms === undefined) return void out.err(`tierci serve: ${name} must be a duration such as 10s, got '${text}'`);
    tuning[key] = ms;
  }
  const attempts = env["TIERCI_FORGE_ATTEMPTS"];
  if (attempts !== undefined) {
    if (!/^[1-9]\d{0,2}$/.test(attempts)) return void out.err(`tierci serve: TIERCI_FORGE_ATTEMPTS must be a whole number from 1 to 999, got '${attempts}'`);
    tuning.maxAttempts = Number(attempts);
  }
  return tuning;
}

export async function serveCommand(out: Out, o: ServeOptions): Promise<number> {
  let config: ServerConfig;
  try {
    config = loadServerConfig(resolve(o.config));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) out.err(`${p.file}:${p.line}:${p.col}: ${p.message}`);
    out.err("tierci serve: nothing was started; fix the config above");
    return 2;
  }
  const jobs = o.jobs === undefined ? undefined : Number(o.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) {
    out.err(
      `tierci serve: --jobs must be a whole number of at least 1, got '${o.jobs}' (remote agents are not available yet, so the server runs every job itself)`,
    );
    return 2;
  }
  const graceMs = parseDuration(o.gracePeriod);
  if (graceMs === undefined) {
    out.err(`tierci serve: --grace-period must be a duration such as 60s or 5m, got '${o.gracePeriod}'`);
    return 2;
  }
  const effective = overridden(config, o, out);
  if (!effective) return 2;
  const outbox = outboxTuning(process.env, out);
  if (!outbox) return 2;
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(effective, {
      jobs: jobs ?? (await import("node:os")).availableParallelism(),
      logger: { level: process.env["TIERCI_LOG_LEVEL"] ?? "info" },
      outbox,
    });
  } catch (err) {
    // A database that cannot be reached or is too new is the operator's to fix, not a bug.
    if (!(err instanceof StoreError || err instanceof PostgresError)) throw err;
    out.err(`tierci serve: ${err.message}`);
    return 1;
  }
  const runsIn = effective.database.kind === "postgres" ? `, runs in ${redactUrl(effective.database.url)}` : "";
  out.err(`tierci serve: listening on ${server.url} (data in ${effective.data}${runsIn})`);
  await new Promise<void>((done) => {
    const stop = (signal: string): void => {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      out.err(`tierci serve: ${signal}: taking no new work; running jobs have ${o.gracePeriod} to finish`);
      void server.close(graceMs).then(done);
    };
    const onTerm = (): void => stop("SIGTERM");
    const onInt = (): void => stop("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
  });
  out.err("tierci serve: stopped");
  return 0;
}
