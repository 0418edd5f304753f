// GET /runs/:id/jobs/:job/follow?after=N: the lines after N over SSE, then each new line as the
// job prints it, then `end`. A reader too far behind is told to reload (the page then opens at the
// tail) instead of being sent a long log down one stream.
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../http/context.js";
import { startEventStream } from "../http/event-stream.js";
import type { LiveLine } from "../live-logs.js";
import { JOB_PARAMS } from "./params.js";
import { group, lineHtml } from "./log-lines.js";

const MAX_REPLAY = 5000;

export function registerLogFollow(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { id: string; job: number }; Querystring: { after?: number } }>(
    "/runs/:id/jobs/:job/follow",
    {
      config: { page: "read" },
      schema: { params: JOB_PARAMS, querystring: { type: "object", properties: { after: { type: "integer", minimum: 0, default: 0 } } } },
    },
    async (req, reply) => {
      const run = ctx.db.getRun(req.params.id);
      const job = run?.pipelineRunId ? ctx.store.jobsOf(run.pipelineRunId).find((j) => j.id === req.params.job) : undefined;
      if (!job) return reply.code(404).send({ error: `no job ${req.params.job} in run ${req.params.id}` });
      const steps = new Map(ctx.store.stepsOf(job.id).map((s) => [s.index, s]));
      const res = startEventStream(reply);
      let sent = req.query.after ?? 0;
      const send = (seq: number, step: number | null, text: string): void => {
        if (seq <= sent || res.writableEnded) return;
        sent = seq;
        const message = { n: seq, step: step ?? "job", html: lineHtml(seq, text).text, group: group(step, steps, true, "") };
        res.write(`data: ${JSON.stringify(message)}\n\n`);
      };
      const end = (event: "end" | "reload"): void => {
        if (!res.writableEnded) res.end(`event: ${event}\ndata: \n\n`);
      };
      const pending: LiveLine[] = [];
      let replaying = true;
      let ended = false;
      const unfollow = ctx.live.follow(job.id, {
        line: (l) => (replaying ? pending.push(l) : send(l.index + 1, l.step, l.text)),
        end: () => (replaying ? (ended = true) : end("end")),
      });
      if (ctx.store.logLength(job.id) - sent > MAX_REPLAY) {
        unfollow?.();
        return end("reload");
      }
      for (const line of ctx.store.iterateLogs(job.id, sent + 1)) send(line.seq, line.stepIndex, line.text);
      for (const l of pending) send(l.index + 1, l.step, l.text);
      replaying = false;
      if (!unfollow || ended) {
        unfollow?.();
        return end("end");
      }
      req.raw.on("close", unfollow);
    },
  );
}
