// `tierci agent`: options checked (exit 2 when wrong, nothing started), then jobs taken from the
// server until SIGTERM or SIGINT: the first stops taking jobs and lets running ones finish, a
// second cancels them.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { startAgent } from "../../agent/agent.js";
import { agentLabels, validName } from "../../agent/labels.js";
import type { Out } from "../output.js";

export interface AgentCommandOptions {
  server: string;
  tokenEnv: string;
  name?: string;
  labels: string;
  jobs: string;
  work: string;
}

function defaultName(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .slice(0, 50) || "agent";
  return `${host}-${randomBytes(3).toString("hex")}`;
}

export async function agentCommand(out: Out, o: AgentCommandOptions): Promise<number> {
  const fail = (message: string): number => {
    out.err(`tierci agent: ${message}`);
    return 2;
  };
  if (!/^https?:\/\/[^\s/]+/.test(o.server)) return fail(`--server must be an http(s) URL, got '${o.server}'`);
  const token = process.env[o.tokenEnv];
  if (token === undefined || token === "")
    return fail(`the environment variable ${o.tokenEnv} (--token-env) is not set or empty: it must hold a token of role agent`);
  const jobs = Number(o.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) return fail(`--jobs must be a whole number from 1 to 256, got '${o.jobs}'`);
  const name = o.name ?? defaultName();
  if (!validName(name)) return fail(`--name must be letters, digits, '.', '_' and '-' (at most 64), got '${name}'`);
  let labels: string[];
  try {
    labels = agentLabels(
      o.labels
        .split(",")
        .filter((l) => l.trim() !== "")
        .map((l) => l.trim()),
    );
  } catch (err) {
    return fail((err as Error).message);
  }
  const work = resolve(o.work);
  mkdirSync(work, { recursive: true });
  const agent = startAgent({ server: o.server, token, name, labels, jobs, work, say: (line) => out.err(line) });
  out.err(`tierci agent: ${name} takes up to ${jobs} job(s) with the labels ${labels.join(", ")} from ${o.server.replace(/\/+$/, "")}`);
  let signals = 0;
  const onSignal = (signal: string): void => {
    signals += 1;
    if (signals === 1) {
      out.err(`tierci agent: ${signal}: taking no new job; running jobs finish (send it again to cancel them)`);
      void agent.stop();
    } else {
      out.err(`tierci agent: ${signal}: cancelling the running jobs`);
      agent.cancel();
    }
  };
  const onTerm = (): void => onSignal("SIGTERM");
  const onInt = (): void => onSignal("SIGINT");
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onInt);
  const code = await agent.done;
  process.off("SIGTERM", onTerm);
  process.off("SIGINT", onInt);
  out.err("tierci agent: stopped");
  return code;
}
