// /api/runs: list, detail, cancel, re-run, and a job's log (whole, or followed live over SSE).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ServerRun, ServerRunStatus } from "../server-db.js";
import type { ServerContext } from "./context.js";
import { startEventStream } from "./event-stream.js";
import { cancelRun, rerunRun } from "./run-actions.js";
import { runDetail, runEntry } from "./run-json.js";

/** How often a stream of a job run by another replica looks for new lines. */
const STORED_POLL_MS = 500;
const ID = { type: "string", pattern: "^[0-9a-z]{1,40}$" } as const;

interface ListQuery {
  repo?: string;
  branch?: string;
  event?: string;
  status?: ServerRunStatus;
  limit?: number;
}

function notFound(reply: FastifyReply, what: string): FastifyReply {
  return reply.code(404).send({ error: `no ${what}` });
}

/** One SSE message per line; a line holding a CR or LF would break the framing, so it is cut there. */
function sseData(text: string): string {
  return `data: ${text.replace(/[\r\n]/g, " ")}\n\n`;
}

export function registerRunsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: ListQuery }>(
    "/api/runs",
    {
      config: { role: "read" },
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            repo: { type: "string", maxLength: 200 },
            branch: { type: "string", maxLength: 255 },
            event: { type: "string", maxLength: 64 },
            status: { type: "string", enum: ["queued", "in_progress", "completed"] },
            limit: { type: "integer", minimum: 1, maximum: 500, default: 50 },
          },
        },
      },
    },
    async (req) => {
      const { limit = 50, ...filters } = req.query;
      return { runs: ctx.db.listRuns({ ...filters, limit }).map((r) => runEntry(r)) };
    },
  );

  const withRun = <T extends { id: string }>(params: T, reply: FastifyReply): ServerRun | undefined => {
    const run = ctx.db.getRun(params.id);
    if (!run) notFound(reply, `run ${params.id}`);
    return run;
  };

  app.get<{ Params: { id: string } }>(
    "/api/runs/:id",
    { config: { role: "read" }, schema: { params: { type: "object", properties: { id: ID } } } },
    async (req, reply) => {
      const run = withRun(req.params, reply);
      return run ? runDetail(run, ctx.store) : reply;
    },
  );

  app.post<{ Params: { id: string } }>(
    "/api/runs/:id/cancel",
    { config: { role: "trigger" }, schema: { params: { type: "object", properties: { id: ID } } } },
    async (req, reply) => {
      const run = withRun(req.params, reply);
      if (!run) return reply;
      const result = cancelRun(ctx, run);
      return result.ok ? reply.code(202).send({ run_id: run.id }) : reply.code(result.status).send({ error: result.error });
    },
  );

  app.post<{ Params: { id: string }; Body: { failed_only?: boolean } | null }>(
    "/api/runs/:id/rerun",
    {
      config: { role: "trigger" },
      schema: {
        params: { type: "object", properties: { id: ID } },
        body: { type: ["object", "null"], additionalProperties: false, properties: { failed_only: { type: "boolean" } } },
      },
    },
    async (req, reply) => {
      const run = withRun(req.params, reply);
      if (!run) return reply;
      const result = rerunRun(ctx, run, req.body?.failed_only === true, req.caller?.name ?? "tierci");
      return result.ok ? reply.code(201).send({ run_id: result.run.id }) : reply.code(result.status).send({ error: result.error });
    },
  );

  const jobOf = (params: { id: string; job: number }, reply: FastifyReply): number | undefined => {
    const run = withRun(params, reply);
    if (!run) return undefined;
    const job = run.pipelineRunId ? ctx.store.jobsOf(run.pipelineRunId).find((j) => j.id === params.job) : undefined;
    if (!job) notFound(reply, `job ${params.job} in run ${run.id}`);
    return job?.id;
  };
  const jobRunning = (runId: string, jobRowId: number): boolean => {
    const job = ctx.store.jobsOf(runId).find((j) => j.id === jobRowId);
    return job !== undefined && job.finishedAt === null;
  };
  /**
   * A job another replica runs: its lines reach this one only through the store, so the stream
   * reads the store for lines past the last one sent until the job is finished.
   */
  const followStored = (runId: string, jobRowId: number, sent: number, res: ServerResponse, end: () => void, client: IncomingMessage): void => {
    let last = sent;
    let closed = false;
    client.on("close", () => (closed = true));
    const poll = (): void => {
      if (closed) return;
      const running = jobRunning(runId, jobRowId);
      for (const l of ctx.store.iterateLogs(jobRowId, last + 1)) {
        res.write(sseData(l.text));
        last = l.seq;
      }
      if (running) setTimeout(poll, STORED_POLL_MS);
      else end();
    };
    setTimeout(poll, STORED_POLL_MS);
  };
  const jobParams = { type: "object", properties: { id: ID, job: { type: "integer", minimum: 1 } } } as const;

  app.get<{ Params: { id: string; job: number } }>(
    "/api/runs/:id/jobs/:job/logs",
    { config: { role: "read" }, schema: { params: jobParams } },
    async (req, reply) => {
      const job = jobOf(req.params, reply);
      if (job === undefined) return reply;
      ctx.store.flush();
      const text = ctx.store
        .logsOf(job)
        .map((l) => `${l.text}\n`)
        .join("");
      return reply.type("text/plain; charset=utf-8").send(text);
    },
  );

  app.get<{ Params: { id: string; job: number } }>(
    "/api/runs/:id/jobs/:job/logs/stream",
    { config: { role: "read" }, schema: { params: jobParams } },
    async (req, reply) => {
      const job = jobOf(req.params, reply);
      if (job === undefined) return reply;
      const res = startEventStream(reply);
      const pending: { index: number; text: string }[] = [];
      let ended = false;
      let replaying = true;
      const end = (): void => {
        if (res.writableEnded) return;
        res.end("event: end\ndata: \n\n");
      };
      const unfollow = ctx.live.follow(job, {
        line: (l) => (replaying ? pending.push(l) : res.write(sseData(l.text))),
        end: () => (replaying ? (ended = true) : end()),
      });
      ctx.store.flush();
      const stored = ctx.store.logsOf(job);
      for (const l of stored) res.write(sseData(l.text));
      for (const l of pending) if (l.index >= stored.length) res.write(sseData(l.text));
      replaying = false;
      const runId = ctx.db.getRun(req.params.id)?.pipelineRunId ?? "";
      if (!unfollow && jobRunning(runId, job)) return followStored(runId, job, stored.length, res, end, req.raw);
      if (!unfollow || ended) return end();
      req.raw.on("close", unfollow);
    },
  );
}
