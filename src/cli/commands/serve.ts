// `tierci serve`: the config read and checked first (exit 2 with file:line and nothing started),
// then the server until SIGTERM or SIGINT, which stop it gracefully: no new work, running jobs
// get the grace period, then they are cancelled as GitHub cancels jobs.
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { ConfigError, hashToken, listenAddress, loadServerConfig, type ServerConfig } from "../../server/config.js";
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

/** The agent in the server's own process, for `--jobs N` on Postgres: the same agent as `tierci agent`. */
async function startLocalAgent(url: string, token: string, jobs: number, data: string, out: Out) {
  const { startAgent } = await import("../../agent/agent.js");
  const { agentLabels } = await import("../../agent/labels.js");
  const { hostname } = await import("node:os");
  const name = `${
    hostname()
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .slice(0, 40) || "server"
  }-server`;
  return startAgent({ server: url, token, name, labels: agentLabels([]), jobs, work: join(data, "agent"), say: (line) => out.err(line) });
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
  const least = config.database.kind === "postgres" ? 0 : 1;
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < least)) {
    out.err(
      least === 1
        ? `tierci serve: --jobs must be a whole number of at least 1, got '${o.jobs}' (agents, which would take the jobs instead, need a Postgres database)`
        : `tierci serve: --jobs must be a whole number of at least 0, got '${o.jobs}'`,
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
  const ownJobs = jobs ?? (await import("node:os")).availableParallelism();
  // With Postgres the server's own jobs go through the queue too, to an agent inside this process
  // holding a token that lives only as long as it does.
  const local = effective.database.kind === "postgres" && ownJobs > 0 ? randomBytes(32).toString("base64url") : undefined;
  const withLocal =
    local === undefined ? effective : { ...effective, tokens: [...effective.tokens, { name: "this-server", role: "agent" as const, hash: hashToken(local) }] };
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(withLocal, {
      jobs: ownJobs,
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
  const agent = local === undefined ? undefined : await startLocalAgent(server.url, local, ownJobs, effective.data, out);
  await new Promise<void>((done) => {
    const stop = (signal: string): void => {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      out.err(`tierci serve: ${signal}: taking no new work; running jobs have ${o.gracePeriod} to finish`);
      void (async () => {
        // The server's own agent stops first (its running jobs finish within the grace period), then the server.
        const timer = setTimeout(() => agent?.cancel(), graceMs);
        await agent?.stop();
        clearTimeout(timer);
        await server.close(graceMs);
      })().then(done);
    };
    const onTerm = (): void => stop("SIGTERM");
    const onInt = (): void => stop("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
  });
  out.err("tierci serve: stopped");
  return 0;
}
