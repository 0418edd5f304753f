// Test health and coverage trend of one repository, from what `tierci health` reads: flaky,
// consistently failing, newly failing and slowest tests with their history, and line coverage
// run by run for each branch.
import type { FastifyInstance } from "fastify";
import { formatPercent } from "../../reports/coverage/coverage.js";
import { analyzeHealth, type TestHealth } from "../../reports/health/health.js";
import type { ServerContext } from "../http/context.js";
import { errorPage, sessionOf } from "./dashboard.js";
import { html, type Html } from "./html.js";
import { formatMs, page } from "./layout.js";
import { REPO_PARAMS } from "./params.js";
import { branchOf } from "./run-view.js";

const HISTORY_RUNS = 50;
const TREND_RUNS = 30;

function testTable(id: string, title: string, tests: readonly TestHealth[], extra: (t: TestHealth) => string): Html {
  return html`<h2 id="${id}">${title} (${tests.length})</h2>
    ${
      tests.length === 0
        ? html`<p class="empty">None.</p>`
        : html`<div class="scroll">
            <table>
              <thead>
                <tr>
                  <th>Test</th>
                  <th>Job</th>
                  <th class="num">Runs</th>
                  <th class="num">Failed</th>
                  <th>History</th>
                  <th>Last message</th>
                </tr>
              </thead>
              <tbody>
                ${tests.map(
                  (t) =>
                    html`<tr>
                      <td class="mono">${t.classname ?? t.suite} › ${t.name}</td>
                      <td>${t.job}</td>
                      <td class="num">${t.runs}</td>
                      <td class="num">${t.failed} (${formatPercent(t.failure_rate)})</td>
                      <td>${extra(t)}</td>
                      <td>${(t.last_message ?? "").split("\n", 1)[0]}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }`;
}

export function registerHealthPages(app: FastifyInstance, ctx: ServerContext): void {
  const repoOf = (params: { owner: string; name: string }): string | undefined => {
    const name = `${params.owner}/${params.name}`;
    return ctx.config.repos.some((r) => r.name === name) ? name : undefined;
  };

  app.get<{ Params: { owner: string; name: string } }>(
    "/repos/:owner/:name/health",
    { config: { page: "read" }, schema: { params: REPO_PARAMS } },
    async (req, reply) => {
      const session = sessionOf(req);
      const repo = repoOf(req.params);
      if (!repo) return errorPage(reply, 404, session, `No repository '${req.params.owner}/${req.params.name}' is configured on this server.`);
      const report = analyzeHealth(ctx.store.testHistory({ repoRoot: repo, limit: HISTORY_RUNS }));
      const body = html`<p><a href="/">← Runs</a></p>
        <h1>Test health of ${repo}</h1>
        <p class="meta">
          Over the last ${report.runs} runs with test results${report.latest_run ? ` (up to #${report.latest_run.number})` : ""}.
          <a href="/repos/${repo}/coverage">Coverage trend</a>
        </p>
        ${testTable("flaky", "Flaky", report.flaky, (t) => `${t.flaky_events} flaky events${t.last_flaky ? `, last in #${t.last_flaky.run} (${t.last_flaky.reason === "retry" ? "passed on retry" : "same commit, both results"})` : ""}`)}
        ${testTable("consistently-failing", "Consistently failing", report.consistently_failing, (t) => (t.failing_streak ? `failing ${t.failing_streak.runs} runs, since #${t.failing_streak.since.number}` : ""))}
        ${testTable("newly-failing", "Newly failing", report.newly_failing, (t) => `failed in #${t.last_run} after passing before`)}
        ${testTable("slowest", "Slowest", report.slowest, (t) => `median ${formatMs(t.duration_p50_ms)}, p95 ${formatMs(t.duration_p95_ms)}${t.duration_trend_pct === null ? "" : `, ${t.duration_trend_pct > 0 ? "+" : ""}${t.duration_trend_pct.toFixed(0)}% lately`}`)}`;
      return reply.type("text/html; charset=utf-8").send(page(`Test health · ${repo}`, session, body));
    },
  );

  app.get<{ Params: { owner: string; name: string } }>(
    "/repos/:owner/:name/coverage",
    { config: { page: "read" }, schema: { params: REPO_PARAMS } },
    async (req, reply) => {
      const session = sessionOf(req);
      const repo = repoOf(req.params);
      if (!repo) return errorPage(reply, 404, session, `No repository '${req.params.owner}/${req.params.name}' is configured on this server.`);
      const byBranch = new Map<string, { number: number; sha: string; rate: number }[]>();
      for (const run of ctx.store.listRuns({ repoRoot: repo, recorded: "coverage", limit: TREND_RUNS * 4 })) {
        const rate = (run.summary as { coverage?: { line_rate?: number } } | null)?.coverage?.line_rate;
        if (typeof rate !== "number") continue;
        const list = byBranch.get(branchOf(run.ref)) ?? [];
        if (list.length < TREND_RUNS) list.push({ number: run.number, sha: run.sha, rate });
        byBranch.set(branchOf(run.ref), list);
      }
      const sections = [...byBranch].map(([branch, runs]) => {
        const [latest, previous] = runs;
        const change = latest && previous ? latest.rate - previous.rate : null;
        return html`<h2>${branch}</h2>
          <p>
            Latest
            ${formatPercent(latest?.rate ?? null)}${
              change === null ? "" : ` (${change >= 0 ? "▲ +" : "▼ "}${(change * 100).toFixed(1)} points since #${previous?.number})`
            }
          </p>
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Commit</th>
                  <th class="num">Line coverage</th>
                </tr>
              </thead>
              <tbody>
                ${runs.map(
                  (r) =>
                    html`<tr>
                      <td>#${r.number}</td>
                      <td class="mono">${r.sha.slice(0, 10)}</td>
                      <td class="num"><meter min="0" max="1" value="${r.rate.toFixed(3)}"></meter> ${formatPercent(r.rate)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`;
      });
      const body = html`<p><a href="/">← Runs</a></p>
        <h1>Coverage of ${repo}</h1>
        <p class="meta">Line coverage of the latest runs on each branch, newest first. <a href="/repos/${repo}/health">Test health</a></p>
        ${sections.length ? sections : html`<p class="empty">No run of this repository recorded coverage yet.</p>`}`;
      return reply.type("text/html; charset=utf-8").send(page(`Coverage · ${repo}`, session, body));
    },
  );
}
