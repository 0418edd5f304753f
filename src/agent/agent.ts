// `tierci agent`: up to N jobs at once, each taken with a long-polled lease from the server and run
// here. stop() takes no new job and lets the running ones finish (jobs whose steps have not started
// are handed back); cancel() then cancels those too, as GitHub cancels a job.
import { setTimeout as sleep } from "node:timers/promises";
import { REMOTE_PROTOCOL } from "../pipeline/remote-job.js";
import { AgentClient, ServerAnswer, TokenRefused } from "./agent-client.js";
import { hostJob, type LeasedJob } from "./job-host.js";

export interface AgentOptions {
  server: string;
  token: string;
  name: string;
  labels: string[];
  jobs: number;
  work: string;
  /** One line per job started and ended, and per problem. */
  say(line: string): void;
}

export interface RunningAgent {
  /** Takes no new job; resolves when the running ones have ended. */
  stop(): Promise<void>;
  /** Cancels the running jobs (their `always()` steps still run). */
  cancel(): void;
  /** Ends when the agent has stopped: 0 after stop(), 1 when the server refused its token or protocol. */
  done: Promise<number>;
}

export function startAgent(o: AgentOptions): RunningAgent {
  const client = new AgentClient({ server: o.server, token: o.token });
  const stopping = new AbortController();
  const cancelling = new AbortController();
  let exitCode = 0;
  const slot = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      let job: LeasedJob | null;
      try {
        const answer = await client.json<{ job: LeasedJob | null }>("POST", "/api/agent/lease", {
          json: { name: o.name, labels: o.labels, protocol: REMOTE_PROTOCOL },
          signal: stopping.signal,
          timeoutMs: 40_000,
        });
        job = answer.job;
      } catch (err) {
        if (stopping.signal.aborted) return;
        if (err instanceof TokenRefused || (err instanceof ServerAnswer && err.status === 409)) {
          o.say(`tierci agent: ${err.message}`);
          exitCode = 1;
          stopping.abort();
          return;
        }
        o.say(`tierci agent: could not ask ${client.base} for work: ${(err as Error).message}; trying again`);
        await sleep(2000);
        continue;
      }
      if (job === null) continue;
      const what = `job '${job.spec.job.name}' of ${job.spec.event.repository} run #${job.spec.run.number}`;
      const started = Date.now();
      o.say(`tierci agent: ${what}: started`);
      try {
        const end = await hostJob({ client, work: o.work, name: o.name }, job, { signal: cancelling.signal, stopping: () => stopping.signal.aborted });
        const took = ((Date.now() - started) / 1000).toFixed(1);
        if (end.kind === "completed") o.say(`tierci agent: ${what}: ${end.conclusion} in ${took} s`);
        else if (end.kind === "released") o.say(`tierci agent: ${what}: handed back to the server before it started`);
        else o.say(`tierci agent: ${what}: dropped, ${end.reason}`);
      } catch (err) {
        if (err instanceof TokenRefused) {
          o.say(`tierci agent: ${err.message}`);
          exitCode = 1;
          stopping.abort();
          return;
        }
        o.say(`tierci agent: ${what}: could not be run here: ${(err as Error).message}`);
      }
    }
  };
  const done = Promise.all(Array.from({ length: o.jobs }, slot)).then(() => exitCode);
  return {
    stop: async () => {
      stopping.abort();
      await done;
    },
    cancel: () => {
      stopping.abort();
      cancelling.abort();
    },
    done,
  };
}
