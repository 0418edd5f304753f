// The job log page: one range of lines at a time (a log of hundreds of MB is never read whole
// into memory or into the page), links to earlier and later ranges, search over the whole log on
// the server returning line numbers, and, while the job runs, its new lines over SSE.
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../http/context.js";
import { errorPage, sessionOf } from "./dashboard.js";
import { html, query, trusted, type Html } from "./html.js";
import { badge, page, stateOf } from "./layout.js";
import { registerLogFollow } from "./log-follow.js";
import { renderRange } from "./log-lines.js";
import { JOB_PARAMS } from "./params.js";
import { ansiToHtml } from "./ansi.js";

export const PAGE_LINES = 1000;
const MAX_HITS = 100;
const SNIPPET = 300;

interface LogQuery {
  from?: number;
  at?: number;
  q?: string;
}

function searchResults(ctx: ServerContext, jobRowId: number, q: string): Html {
  const needle = q.toLowerCase();
  const hits: { seq: number; text: string }[] = [];
  let more = false;
  // One pass over the stored lines, one at a time; only the hits are kept.
  for (const line of ctx.store.iterateLogs(jobRowId)) {
    if (!line.text.toLowerCase().includes(needle)) continue;
    if (hits.length === MAX_HITS) {
      more = true;
      break;
    }
    hits.push({ seq: line.seq, text: line.text.slice(0, SNIPPET) });
  }
  if (hits.length === 0) return html`<p id="search-results" role="status">No line contains “${q}”.</p>`;
  return html`<div id="search-results" role="status">
    <p>${hits.length}${more ? "+" : ""} lines contain “${q}”${more ? ` (the first ${MAX_HITS} are listed)` : ""}:</p>
    <ol class="mono">
      ${hits.map((h) => html`<li><a href="${query({ at: h.seq })}#L${h.seq}">line ${h.seq}</a>: ${trusted(ansiToHtml(h.text))}</li>`)}
    </ol>
  </div>`;
}

export function registerLogPage(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { id: string; job: number }; Querystring: LogQuery }>(
    "/runs/:id/jobs/:job",
    {
      config: { page: "read" },
      schema: {
        params: JOB_PARAMS,
        querystring: {
          type: "object",
          properties: { from: { type: "integer", minimum: 1 }, at: { type: "integer", minimum: 1 }, q: { type: "string", maxLength: 200 } },
        },
      },
    },
    async (req, reply) => {
      const session = sessionOf(req);
      const run = ctx.db.getRun(req.params.id);
      const job = run?.pipelineRunId ? ctx.store.jobsOf(run.pipelineRunId).find((j) => j.id === req.params.job) : undefined;
      if (!run || !job) return errorPage(reply, 404, session, `There is no job ${req.params.job} in run ${req.params.id}.`);
      const running = ctx.live.running(job.id);
      const total = ctx.store.logLength(job.id);
      const { at, q } = req.query;
      const tail = Math.max(1, total - PAGE_LINES + 1);
      const from = at !== undefined ? Math.max(1, at - 20) : (req.query.from ?? (running ? tail : 1));
      const steps = new Map(ctx.store.stepsOf(job.id).map((s) => [s.index, s]));
      const found = q ? searchResults(ctx, job.id, q) : "";
      const range = renderRange(ctx.store.iterateLogs(job.id, from), PAGE_LINES, steps, at);
      const atEnd = range.last >= total || from > total;
      const follow = running && atEnd ? `/runs/${run.id}/jobs/${job.id}/follow` : "";
      const pager = html`<nav class="pager" aria-label="Log pages">
        ${from > 1 ? html`<a href="${query({ from: 1 })}">First lines</a><a href="${query({ from: Math.max(1, from - PAGE_LINES) })}">← Earlier lines</a>` : ""}${
          atEnd ? "" : html`<a href="${query({ from: range.last + 1 })}">Later lines →</a><a href="${query({ from: tail })}">Last lines</a>`
        }
      </nav>`;
      const state = stateOf(job.status, job.conclusion);
      const body = html`<p><a href="/runs/${run.id}">← ${run.repo} #${run.number}</a></p>
        <h1>${job.name} <span id="job-state">${badge(state)}</span></h1>
        <p class="meta">${job.workflow} · tier ${job.tier} · ${total} lines${total ? ` · showing ${from}–${Math.max(from, range.last)}` : ""}</p>
        <form method="get" role="search" aria-label="Search the log">
          <label for="q">Search the log</label><input type="search" id="q" name="q" value="${q ?? ""}" maxlength="200" /> <button type="submit">Search</button>
        </form>
        ${found}${pager}
        ${running ? html`<p id="follow-status" class="live" role="status">${follow ? "● Live: new lines appear as the job prints them." : "● The job is running; go to the last lines to follow it."}</p>` : ""}
        <div id="log" class="log" data-follow="${follow}" data-last="${range.last || from - 1}">${trusted(range.markup)}</div>
        ${total === 0 ? html`<p class="empty">No log lines yet.</p>` : ""}${pager}`;
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .send(page(`${job.name} · ${run.repo} #${run.number}`, session, body));
    },
  );
  registerLogFollow(app, ctx);
}
