// The runs page at `/`: newest first, filtered, paginated by run id (keyset, so page 200 costs
// what page 1 does), and a small JSON endpoint the page polls so queued and running rows, and
// runs that arrived since, update without a reload.
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../http/context.js";
import type { RunQuery, ServerConclusion } from "../server-db.js";
import { sessionOf } from "./dashboard.js";
import { html, query } from "./html.js";
import { page } from "./layout.js";
import { runRow } from "./run-view.js";

const PAGE_SIZE = 50;
const CONCLUSIONS = ["success", "failure", "cancelled", "skipped"] as const;
const ID = { type: "string", pattern: "^[0-9a-z]{1,40}$" } as const;

interface Filters {
  repo?: string;
  branch?: string;
  event?: string;
  workflow?: string;
  conclusion?: ServerConclusion;
}

const FILTER_SCHEMA = {
  repo: { type: "string", maxLength: 200 },
  branch: { type: "string", maxLength: 255 },
  event: { type: "string", maxLength: 64 },
  workflow: { type: "string", maxLength: 200 },
  conclusion: { type: "string", enum: ["", ...CONCLUSIONS] },
} as const;

/** Only the filters given a value: an empty field of the form means "any". */
function filtersOf(q: Filters): Partial<RunQuery> {
  const out: Partial<RunQuery> = {};
  for (const [k, v] of Object.entries(q) as [keyof Filters, string | undefined][]) if (v !== undefined && v !== "") Object.assign(out, { [k]: v });
  // Runs record the workflow's path; a bare file name means the one in .github/workflows/.
  if (out.workflow && !out.workflow.includes("/")) out.workflow = `.github/workflows/${out.workflow}`;
  return out;
}

function filterForm(ctx: ServerContext, q: Filters): ReturnType<typeof html> {
  const text = (name: keyof Filters, label: string, placeholder: string) =>
    html`<div>
      <label for="f-${name}">${label}</label><input type="text" id="f-${name}" name="${name}" value="${q[name] ?? ""}" placeholder="${placeholder}" />
    </div>`;
  return html`<form class="filters" method="get" action="/" role="search" aria-label="Filter runs">
    <div>
      <label for="f-repo">Repository</label
      ><select id="f-repo" name="repo">
        <option value="">any</option>
        ${ctx.config.repos.map((r) => html`<option${q.repo === r.name ? html` selected` : ""}>${r.name}</option>`)}
      </select>
    </div>
    ${text("branch", "Branch", "main")}${text("event", "Event", "push")}${text("workflow", "Workflow", "ci.yml")}
    <div>
      <label for="f-conclusion">Conclusion</label
      ><select id="f-conclusion" name="conclusion">
        <option value="">any</option>
        ${CONCLUSIONS.map((c) => html`<option${q.conclusion === c ? html` selected` : ""}>${c}</option>`)}
      </select>
    </div>
    <button type="submit">Filter</button>
  </form>`;
}

export function registerRunsPage(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: Filters & { before?: string } }>(
    "/",
    { config: { page: "read" }, schema: { querystring: { type: "object", properties: { ...FILTER_SCHEMA, before: ID } } } },
    async (req, reply) => {
      const session = sessionOf(req);
      const { before, ...q } = req.query;
      const filters = filtersOf(q);
      const runs = ctx.db.listRuns({ ...filters, ...(before ? { before } : {}), limit: PAGE_SIZE + 1 });
      const shown = runs.slice(0, PAGE_SIZE);
      const last = shown[shown.length - 1];
      const older = runs.length > PAGE_SIZE && last ? html`<a href="/${query({ ...filters, before: last.id })}" rel="next">Older runs →</a>` : "";
      const newer = before ? html`<a href="/${query({ ...filters })}">← Newest runs</a>` : "";
      const dispatch = ctx.config.repos.map((r) => html`<a class="button" href="/repos/${r.name}/dispatch">Run a workflow of ${r.name}</a> `);
      const health = ctx.config.repos.map(
        (r) => html`<a href="/repos/${r.name}/health">Test health</a> · <a href="/repos/${r.name}/coverage">Coverage</a> (${r.name}) `,
      );
      const body = html`<h1>Runs</h1>
        ${session.caller.role === "read" ? "" : html`<div class="actions">${dispatch}</div>`}
        <p class="muted">${health}</p>
        ${filterForm(ctx, q)}
        <div class="scroll">
          <table id="runs" data-live="${before ? "" : `/live/runs${query({ ...filters })}`}">
            <caption class="muted">
              ${shown.length ? "Newest first" : ""}
            </caption>
            <thead>
              <tr>
                <th>State</th>
                <th>Run</th>
                <th>Branch · commit</th>
                <th>Trigger</th>
                <th>Tiers</th>
                <th class="num">Duration</th>
              </tr>
            </thead>
            <tbody>
              ${shown.map(runRow)}
            </tbody>
          </table>
        </div>
        ${shown.length === 0 ? html`<p class="empty" id="no-runs">No runs match.</p>` : ""}
        <div class="pager">${newer}${older}</div>`;
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .send(page("Runs", session, body));
    },
  );

  app.get<{ Querystring: Filters & { ids?: string; since?: string } }>(
    "/live/runs",
    {
      config: { page: "read" },
      schema: { querystring: { type: "object", properties: { ...FILTER_SCHEMA, ids: { type: "string", pattern: "^[0-9a-z,]{0,2100}$" }, since: ID } } },
    },
    async (req) => {
      const { ids, since, ...q } = req.query;
      const rows: Record<string, string> = {};
      for (const id of (ids ?? "").split(",").filter(Boolean).slice(0, PAGE_SIZE)) {
        const run = ctx.db.getRun(id);
        if (run) rows[id] = runRow(run).text;
      }
      const newer = since ? ctx.db.listRuns({ ...filtersOf(q), limit: PAGE_SIZE }).filter((r) => r.id > since) : [];
      return { rows, fresh: newer.map((r) => runRow(r).text) };
    },
  );
}
