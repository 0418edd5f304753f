// `tierci report RUN --html FILE`: one self-contained HTML file (no external assets)
// showing a run: tiers on a timeline with their budgets, jobs and steps, annotations by
// file, failing tests, coverage, caches and artifacts.
import type { RunSummary } from "../run-summary.js";
import { describeJobs, groupAnnotations, type AnnotationGroup } from "../annotation-groups.js";
import { esc } from "./escape.js";
import { STYLES } from "./styles.js";
import { formatMs, timelineSvg } from "./timeline.js";

export interface HtmlReportInput {
  run: { number: number; event: string; ref: string; sha: string; actor: string; repository: string; startedAt: number; finishedAt: number | null };
  summary: RunSummary;
  failingTests: { job: string; suite: string; name: string; message?: string; details?: string }[];
  coverageFiles: { path: string; linesValid: number; linesCovered: number }[];
}

const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;

function card(label: string, value: string, extra = ""): string {
  return `<div class="card"><div class="label">${esc(label)}</div><div class="value">${value}</div>${extra}</div>`;
}

function cards(input: HtmlReportInput): string {
  const s = input.summary;
  const count = (c: string): number => s.jobs.filter((j) => j.conclusion === c).length;
  const hits = s.caches.filter((c) => c.hit).length;
  const out = [
    card("Tiers", `${s.tiers.filter((t) => t.status === "success").length} / ${s.tiers.length}`, `<div class="muted">passed</div>`),
    card(
      "Jobs",
      `${count("success")} / ${s.jobs.length}`,
      `<div class="muted">${count("failure")} failed, ${count("skipped")} skipped, ${count("cancelled")} cancelled</div>`,
    ),
    card(
      "Tests",
      s.tests ? `${s.tests.passed + s.tests.failed + s.tests.skipped}` : "–",
      s.tests ? `<div class="muted">${s.tests.failed} failed, ${s.tests.skipped} skipped</div>` : `<div class="muted">no test reports</div>`,
    ),
    card(
      "Coverage",
      s.coverage ? pct(s.coverage.line_rate) : "–",
      s.coverage
        ? `<div class="meter"><span style="width:${(s.coverage.line_rate * 100).toFixed(1)}%"></span></div>`
        : `<div class="muted">no coverage reports</div>`,
    ),
    card(
      "Cache hits",
      s.caches.length ? `${hits} / ${s.caches.length}` : "–",
      `<div class="muted">${s.caches.length ? pct(hits / s.caches.length) : "no caches used"}</div>`,
    ),
    card("Artifacts", String(s.artifacts.length)),
  ];
  return `<section class="cards" id="overview">${out.join("")}</section>`;
}

function jobsTable(summary: RunSummary): string {
  const rows = summary.jobs.map((j) => {
    const failed = j.steps.find((st) => st.outcome === "failure");
    const steps = j.steps.length
      ? `<details><summary>${j.steps.length} ${j.steps.length === 1 ? "step" : "steps"}${failed ? ` — failed at <strong>${esc(failed.name)}</strong>` : ""}</summary><ol>${j.steps
          .map(
            (st) =>
              `<li><span class="status ${esc(st.conclusion)}">${esc(st.conclusion)}</span> ${esc(st.name)} <span class="muted">${esc(formatMs(st.duration_ms))}</span></li>`,
          )
          .join("")}</ol></details>`
      : j.reused_from
        ? `<span class="reused">reused from run #${esc(String(j.reused_from.run))}: its inputs were identical</span>`
        : `<span class="muted">no steps ran</span>`;
    const reused = j.reused_from ? ` data-reused-from="${esc(String(j.reused_from.run))}"` : "";
    return `<tr data-job="${esc(j.job_id)}" data-conclusion="${esc(j.conclusion)}"${reused}><td>${esc(j.tier)}</td><td>${esc(j.workflow)}</td><td>${esc(j.name)}</td><td class="status ${esc(j.conclusion)}">${esc(j.conclusion)}${j.reused_from ? " (reused)" : ""}</td><td class="num">${esc(formatMs(j.duration_ms))}</td><td>${steps}</td></tr>`;
  });
  return `<table id="jobs"><thead><tr><th>Tier</th><th>Workflow</th><th>Job</th><th>Result</th><th class="num">Duration</th><th>Steps</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function annotations(summary: RunSummary): string {
  const byFile = new Map<string, AnnotationGroup[]>();
  for (const a of groupAnnotations(summary.jobs)) {
    const key = a.file ?? "(no file)";
    byFile.set(key, [...(byFile.get(key) ?? []), a]);
  }
  if (byFile.size === 0) return `<p class="empty" id="annotations">No annotations.</p>`;
  const files = [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b));
  return `<div id="annotations">${files
    .map(
      ([file, list]) =>
        `<h3 class="mono">${esc(file)}</h3>${list
          .map(
            (a) =>
              `<div class="annotation" data-level="${esc(a.level)}" data-jobs="${a.jobs.length}"><span class="level ${esc(a.level)}">${esc(a.level)}</span>${a.line ? `<span class="mono">line ${a.line}</span> ` : ""}${esc(a.message)} <span class="muted" title="${esc(a.jobs.join(", "))}">(${esc(describeJobs(a.jobs))})</span></div>`,
          )
          .join("")}`,
    )
    .join("")}</div>`;
}

function failingTests(input: HtmlReportInput): string {
  if (input.failingTests.length === 0)
    return `<p class="empty" id="failing-tests">${input.summary.tests ? "No failing tests." : "No test reports were found in this run."}</p>`;
  return `<div id="failing-tests">${input.failingTests
    .map(
      (t) =>
        `<details class="test"><summary><span class="status failure">failed</span> <span class="mono">${esc(t.suite)} › ${esc(t.name)}</span> <span class="muted">${esc(t.job)}</span>${t.message ? `<div>${esc(t.message)}</div>` : ""}</summary>${t.details ? `<pre>${esc(t.details)}</pre>` : ""}</details>`,
    )
    .join("")}</div>`;
}

function coverage(input: HtmlReportInput): string {
  if (!input.summary.coverage) return `<p class="empty" id="coverage">No coverage reports were found in this run.</p>`;
  const files = [...input.coverageFiles].sort((a, b) => a.linesCovered / Math.max(1, a.linesValid) - b.linesCovered / Math.max(1, b.linesValid)).slice(0, 25);
  const rows = files.map((f) => {
    const rate = f.linesValid ? f.linesCovered / f.linesValid : 1;
    return `<tr><td class="mono">${esc(f.path)}</td><td class="num">${f.linesCovered} / ${f.linesValid}</td><td class="num">${pct(rate)}</td><td><div class="meter"><span style="width:${(rate * 100).toFixed(1)}%"></span></div></td></tr>`;
  });
  return `<div id="coverage"><p>Line coverage <strong>${pct(input.summary.coverage.line_rate)}</strong>${files.length ? `; the ${files.length} least covered files:` : ""}</p>${files.length ? `<table><thead><tr><th>File</th><th class="num">Lines</th><th class="num">Rate</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table>` : ""}</div>`;
}

function cachesAndArtifacts(summary: RunSummary): string {
  const caches = summary.caches.length
    ? `<table id="caches"><thead><tr><th>Cache key</th><th>Result</th><th>Restored from</th></tr></thead><tbody>${summary.caches
        .map(
          (c) =>
            `<tr><td class="mono">${esc(c.key)}</td><td class="status ${c.hit ? "success" : "skipped"}">${c.hit ? "hit" : "miss"}</td><td class="mono">${esc(c.restored_key ?? "")}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : `<p class="empty" id="caches">No caches were used.</p>`;
  const artifacts = summary.artifacts.length
    ? `<table id="artifacts"><thead><tr><th>Artifact</th><th>Job</th><th class="num">Files</th><th class="num">Size</th><th class="num">Kept</th></tr></thead><tbody>${summary.artifacts
        .map(
          (a) =>
            `<tr><td class="mono">${esc(a.name)}</td><td>${esc(a.job)}</td><td class="num">${a.files}</td><td class="num">${esc((a.bytes / 1024).toFixed(1))} KB</td><td class="num">${a.retention_days} days</td></tr>`,
        )
        .join("")}</tbody></table>`
    : `<p class="empty" id="artifacts">No artifacts were uploaded.</p>`;
  return `<h2>Caches</h2>${caches}<h2>Artifacts</h2>${artifacts}`;
}

export function renderHtmlReport(input: HtmlReportInput): string {
  const { run, summary } = input;
  const duration = run.finishedAt ? formatMs(run.finishedAt - run.startedAt) : "still running";
  const title = `Run #${run.number} — ${summary.status}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · tierci</title><style>${STYLES}</style></head>
<body>
<header><h1>Run #${run.number} <span class="badge ${esc(summary.status)}" id="run-status">${esc(summary.status)}</span></h1>
<div class="meta">${esc(run.repository)} · ${esc(run.event)} on <span class="mono">${esc(run.ref)}</span> @ <span class="mono">${esc(run.sha.slice(0, 12))}</span> · by ${esc(run.actor)} · started ${esc(new Date(run.startedAt).toISOString().replace("T", " ").slice(0, 19))} UTC · ${esc(duration)}</div>
${cards(input)}</header>
<main>
<h2>Timeline</h2>${timelineSvg(summary)}
<h2>Jobs</h2>${jobsTable(summary)}
<h2>Annotations</h2>${annotations(summary)}
<h2>Failing tests</h2>${failingTests(input)}
<h2>Coverage</h2>${coverage(input)}
${cachesAndArtifacts(summary)}
</main></body></html>
`;
}
