// The run page: the tier timeline against budgets (the report's SVG), jobs by tier and workflow,
// annotations, failing tests, coverage, caches and artifacts; cancel and re-run for those whose
// role allows it. While the run is going the page's live region is refreshed in place.
import type { FastifyInstance } from "fastify";
import { timelineSvg } from "../../reports/html/timeline.js";
import type { RunSummary } from "../../reports/run-summary.js";
import type { JobRecord } from "../../store/index.js";
import { allows } from "../auth.js";
import type { ServerContext } from "../http/context.js";
import { cancelRun, rerunRun } from "../http/run-actions.js";
import type { ServerRun } from "../server-db.js";
import { errorPage, sessionOf } from "./dashboard.js";
import { html, trusted, type Html } from "./html.js";
import { RUN_PARAMS } from "./params.js";
import { badge, csrfField, formatMs, page, stateOf, type PageUser } from "./layout.js";
import { annotationsSection, cachesAndArtifacts, coverageSection, failingTestsSection, jobsTable } from "./run-sections.js";
import { branchOf, durationOf, triggerOf, workflowNames } from "./run-view.js";

/** The timeline of a finished run from its summary; of a running one from the jobs recorded so far (no budgets yet). */
function timelineOf(run: ServerRun, jobs: readonly JobRecord[], now: number): string {
  const summary = run.summary as RunSummary | null;
  if (summary?.tiers) return timelineSvg(summary);
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  const tierNames = [...new Set(jobs.map((j) => j.tier))];
  const tiers = tierNames.map((name) => {
    const of = jobs.filter((j) => j.tier === name && j.startedAt !== null);
    const start = of.length ? Math.min(...of.map((j) => j.startedAt as number)) : null;
    const end = of.length ? Math.max(...of.map((j) => j.finishedAt ?? now)) : 0;
    return { name, status: "in_progress", started_at: iso(start), duration_ms: start === null ? 0 : end - start, budget_ms: null };
  });
  const summaryJobs = jobs.map((j) => ({
    tier: j.tier,
    workflow: j.workflow,
    name: j.name,
    conclusion: j.conclusion ?? j.status,
    started_at: iso(j.startedAt),
    duration_ms: j.startedAt === null ? 0 : (j.finishedAt ?? now) - j.startedAt,
  }));
  return timelineSvg({ tiers, jobs: summaryJobs } as unknown as RunSummary);
}

function actions(run: ServerRun, user: PageUser): Html {
  if (!allows(user.caller, "trigger")) return html``;
  const form = (action: string, label: string, extra: Html | string = "", cls = "") =>
    html`<form method="post" action="/runs/${run.id}/${action}">${csrfField(user)}${extra}<button type="submit" class="${cls}">${label}</button></form>`;
  if (run.status !== "completed") return html`<div class="actions">${form("cancel", "Cancel run", "", "danger")}</div>`;
  return html`<div class="actions">
    ${form("rerun", "Re-run all jobs")}${
      run.conclusion === "failure" || run.conclusion === "cancelled"
        ? form("rerun", "Re-run failed jobs", html`<input type="hidden" name="failed_only" value="true" />`)
        : ""
    }
  </div>`;
}

function runBody(ctx: ServerContext, run: ServerRun, user: PageUser): Html {
  const now = Date.now();
  const jobs = run.pipelineRunId ? ctx.store.jobsOf(run.pipelineRunId) : [];
  const state = stateOf(run.status, run.conclusion);
  const pipeline = run.pipelineRunId ? ctx.store.getRun(run.pipelineRunId) : undefined;
  const recorded = (body: (id: string, startedAt: number) => Html): Html =>
    pipeline ? body(pipeline.id, pipeline.startedAt) : html`<p class="empty">Nothing recorded yet.</p>`;
  return html`<h1>${run.repo} #${run.number} <span id="run-state" aria-live="polite">${badge(state)}</span></h1>
    <p class="meta">
      ${triggerOf(run)} · <span class="mono">${branchOf(run.ref)}</span> @ <span class="mono">${(run.sha ?? "").slice(0, 12)}</span> ·
      ${workflowNames(run) || run.event} · ${formatMs(durationOf(run, now))}
    </p>
    ${run.note ? html`<p class="notice" role="status">${run.note}</p>` : ""} ${actions(run, user)}
    <h2>Timeline</h2>
    ${jobs.length ? trusted(timelineOf(run, jobs, now)) : html`<p class="empty">No job has started yet.</p>`}
    <h2>Jobs</h2>
    ${jobsTable(run, jobs, now)}
    <h2>Annotations</h2>
    ${recorded((id) => annotationsSection(ctx.store, id, jobs))}
    <h2>Failing tests</h2>
    ${recorded((id, startedAt) => failingTestsSection(ctx.store, run, id, startedAt))}
    <h2>Coverage</h2>
    ${recorded((id) => coverageSection(ctx.store, id))} ${cachesAndArtifacts(run)}`;
}

export function registerRunPage(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { id: string } }>("/runs/:id", { config: { page: "read" }, schema: { params: RUN_PARAMS } }, async (req, reply) => {
    const session = sessionOf(req);
    const run = ctx.db.getRun(req.params.id);
    if (!run) return errorPage(reply, 404, session, `There is no run ${req.params.id}.`);
    ctx.store.flush();
    const body = html`<p><a href="/">← Runs</a></p>
      <div id="run-live" data-active="${run.status === "completed" ? "false" : "true"}">${runBody(ctx, run, session)}</div>`;
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(page(`${run.repo} #${run.number}`, session, body));
  });

  app.post<{ Params: { id: string } }>("/runs/:id/cancel", { config: { page: "trigger" }, schema: { params: RUN_PARAMS } }, async (req, reply) => {
    const session = sessionOf(req);
    const run = ctx.db.getRun(req.params.id);
    if (!run) return errorPage(reply, 404, session, `There is no run ${req.params.id}.`);
    const result = cancelRun(ctx, run);
    if (!result.ok) return errorPage(reply, result.status, session, result.error);
    return reply.code(303).header("location", `/runs/${run.id}`).send();
  });

  app.post<{ Params: { id: string }; Body: Record<string, string> }>(
    "/runs/:id/rerun",
    { config: { page: "trigger" }, schema: { params: RUN_PARAMS } },
    async (req, reply) => {
      const session = sessionOf(req);
      const run = ctx.db.getRun(req.params.id);
      if (!run) return errorPage(reply, 404, session, `There is no run ${req.params.id}.`);
      const result = rerunRun(ctx, run, req.body["failed_only"] === "true", session.caller.name);
      if (!result.ok) return errorPage(reply, result.status, session, result.error);
      return reply.code(303).header("location", `/runs/${result.run.id}`).send();
    },
  );
}
