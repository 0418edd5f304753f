// The parts of the run page read from the run store: jobs by tier and workflow, annotations by
// file, failing tests, coverage, caches and artifacts. They work while the run is going too.
import { coverageTotals, formatPercent } from "../../reports/coverage/coverage.js";
import { describeJobs, groupAnnotations } from "../../reports/annotation-groups.js";
import type { RunSummary } from "../../reports/run-summary.js";
import type { JobRecord, RunStore } from "../../store/index.js";
import type { ServerRun } from "../server-db.js";
import { artifactLink } from "./artifacts-page.js";
import { html, type Html } from "./html.js";
import { badge, formatMs, stateOf } from "./layout.js";

function matrixText(matrix: JobRecord["matrix"]): string {
  if (!matrix) return "";
  return Object.entries(matrix)
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(", ");
}

export function jobsTable(run: ServerRun, jobs: readonly JobRecord[], now = Date.now()): Html {
  if (jobs.length === 0) return html`<p class="empty">No jobs have started yet.</p>`;
  const groups = new Map<string, JobRecord[]>();
  for (const j of jobs) groups.set(`${j.tier}\u0000${j.workflow}`, [...(groups.get(`${j.tier}\u0000${j.workflow}`) ?? []), j]);
  const bodies = [...groups.values()].map((list) => {
    const first = list[0] as JobRecord;
    return html`<tbody>
      <tr>
        <th scope="rowgroup" colspan="4">Tier ${first.tier} · ${first.workflow}</th>
      </tr>
      ${list.map((j) => {
        const ms = j.startedAt === null ? null : (j.finishedAt ?? now) - j.startedAt;
        return html`<tr data-job="${j.id}" data-state="${stateOf(j.status, j.conclusion)}">
          <td>${badge(stateOf(j.status, j.conclusion))}</td>
          <td><a href="/runs/${run.id}/jobs/${j.id}">${j.name}</a>${j.attempt > 1 ? html` <span class="muted">attempt ${j.attempt}</span>` : ""}</td>
          <td class="mono">${matrixText(j.matrix)}</td>
          <td class="num">${formatMs(ms)}</td>
        </tr>`;
      })}
    </tbody>`;
  });
  return html`<div class="scroll">
    <table id="jobs">
      <thead>
        <tr>
          <th>State</th>
          <th>Job</th>
          <th>Matrix</th>
          <th class="num">Duration</th>
        </tr>
      </thead>
      ${bodies}
    </table>
  </div>`;
}

export function annotationsSection(store: RunStore, pipelineRunId: string, jobs: readonly JobRecord[]): Html {
  const names = new Map(jobs.map((j) => [j.id, j.name]));
  const byJob = new Map<string, { name: string; annotations: { level: string; file: string | null; line: number | null; message: string }[] }>();
  for (const a of store.annotationsOf(pipelineRunId)) {
    const name = a.jobRowId === null ? "run" : (names.get(a.jobRowId) ?? "run");
    const entry = byJob.get(name) ?? { name, annotations: [] };
    entry.annotations.push({ level: a.level, file: a.file, line: a.line, message: a.title ? `${a.title}: ${a.message}` : a.message });
    byJob.set(name, entry);
  }
  const groups = groupAnnotations([...byJob.values()]);
  if (groups.length === 0) return html`<p class="empty" id="annotations">No annotations.</p>`;
  const files = new Map<string, typeof groups>();
  for (const g of groups) files.set(g.file ?? "(no file)", [...(files.get(g.file ?? "(no file)") ?? []), g]);
  return html`<div id="annotations">
    ${[...files].map(
      ([file, list]) =>
        html`<h3 class="mono">${file}</h3>
          <ul>
            ${list.map(
              (a) =>
                html`<li data-level="${a.level}">
                  <strong>${a.level === "error" ? "✗ error" : a.level === "warning" ? "⚠ warning" : "ℹ notice"}</strong>
                  <span class="mono">${a.file ?? ""}${a.line ? `:${a.line}` : ""}</span> ${a.message} <span class="muted">(${describeJobs(a.jobs)})</span>
                </li>`,
            )}
          </ul>`,
    )}
  </div>`;
}

export function failingTestsSection(store: RunStore, run: ServerRun, pipelineRunId: string, startedAt: number): Html {
  const failing = store
    .testHistory({ repoRoot: run.repo, since: startedAt })
    .filter((t) => t.runId === pipelineRunId && (t.status === "failed" || t.status === "error"))
    .slice(0, 200);
  if (failing.length === 0) return html`<p class="empty" id="failing-tests">No failing tests.</p>`;
  return html`<ul id="failing-tests">
    ${failing.map(
      (t) =>
        html`<li>
          <strong>✗ failed</strong> <span class="mono">${t.classname ?? t.suite} › ${t.name}</span>
          <span class="muted">${t.jobName}${t.file ? ` · ${t.file}${t.line ? `:${t.line}` : ""}` : ""}</span>${t.message ? html`<pre>${t.message}</pre>` : ""}
        </li>`,
    )}
  </ul>`;
}

export function coverageSection(store: RunStore, pipelineRunId: string): Html {
  const files = store.coverageOf(pipelineRunId);
  const totals = coverageTotals(files);
  if (files.length === 0) return html`<p class="empty" id="coverage">No coverage reports in this run.</p>`;
  const least = [...files].sort((a, b) => a.linesCovered / Math.max(1, a.linesValid) - b.linesCovered / Math.max(1, b.linesValid)).slice(0, 15);
  return html`<div id="coverage">
    <p>
      Line coverage <strong>${formatPercent(totals.line_rate)}</strong> (${totals.lines_covered} of ${totals.lines_valid} lines in ${totals.files}
      files)${totals.branch_rate === null ? "" : `, branches ${formatPercent(totals.branch_rate)}`}.
    </p>
    <div class="scroll">
      <table>
        <caption class="muted">
          Least covered files
        </caption>
        <thead>
          <tr>
            <th>File</th>
            <th class="num">Lines</th>
            <th class="num">Rate</th>
          </tr>
        </thead>
        <tbody>
          ${least.map((f) => {
            const rate = f.linesValid ? f.linesCovered / f.linesValid : 1;
            return html`<tr>
              <td class="mono">${f.path}</td>
              <td class="num">${f.linesCovered} / ${f.linesValid}</td>
              <td class="num"><meter min="0" max="1" value="${rate.toFixed(3)}"></meter> ${formatPercent(rate)}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
  </div>`;
}

export function cachesAndArtifacts(run: ServerRun): Html {
  const summary = run.summary as RunSummary | null;
  const caches = summary?.caches ?? [];
  const artifacts = summary?.artifacts ?? [];
  return html`<h2>Caches</h2>
    ${
      caches.length
        ? html`<ul id="caches">
            ${caches.map((c) => html`<li>${c.hit ? "✓ hit" : "✗ miss"} <span class="mono">${c.key}</span>${c.restored_key ? html` <span class="muted">restored from ${c.restored_key}</span>` : ""}</li>`)}
          </ul>`
        : html`<p class="empty" id="caches">No caches were used.</p>`
    }
    <h2>Artifacts</h2>
    ${
      artifacts.length
        ? html`<ul id="artifacts">
            ${artifacts.map(
              (a) =>
                html`<li>
                  <a class="mono" href="${artifactLink(run, a.name)}">${a.name}</a>
                  <span class="muted">from ${a.job}: ${a.files} files, ${(a.bytes / 1024).toFixed(1)} KB, kept ${a.retention_days} days</span>
                </li>`,
            )}
          </ul>`
        : html`<p class="empty" id="artifacts">No artifacts were uploaded.</p>`
    }`;
}
