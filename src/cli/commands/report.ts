// `tierci report RUN --html FILE`: the self-contained HTML report of a recorded run.
import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderHtmlReport } from "../../reports/html/render.js";
import type { RunSummary } from "../../reports/run-summary.js";
import { defaultStorePath, openStore, StoreError } from "../../store/index.js";
import { UsageError } from "../key-values.js";
import type { Out } from "../output.js";

export interface ReportOptions {
  repo: string;
  db?: string;
  html?: string;
}

export function reportCommand(out: Out, runRef: string, opts: ReportOptions): number {
  if (!opts.html) throw new UsageError("say where to write the report: --html FILE");
  const root = resolve(opts.repo);
  const path = opts.db ?? defaultStorePath(root);
  if (!existsSync(path)) throw new UsageError(`no runs recorded for ${root} yet (no ${path}); start one with \`tierci run\``);
  const store = openStore(path);
  try {
    const run = store.getRun(runRef, root);
    if (!run) throw new UsageError(`no run '${runRef}'; see \`tierci runs\``);
    const summary = run.summary as RunSummary | null;
    if (!summary) throw new UsageError(`run #${run.number} has no summary yet (${run.note ?? run.status}); a report needs a finished run`);
    const jobs = new Map(store.jobsOf(run.id).map((j) => [j.id, j.name]));
    const failingTests = store
      .testHistory({ repoRoot: root, since: run.startedAt })
      .filter((t) => t.runId === run.id && (t.status === "failed" || t.status === "error"))
      .map((t) => ({ job: jobs.get(t.jobRowId) ?? t.jobName, suite: t.classname ?? t.suite, name: t.name, ...(t.message ? { message: t.message } : {}) }));
    const html = renderHtmlReport({
      run: {
        number: run.number,
        event: run.event,
        ref: run.ref,
        sha: run.sha,
        actor: run.actor,
        repository: summary.repository,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
      },
      summary,
      failingTests,
      coverageFiles: store.coverageOf(run.id).map((f) => ({ path: f.path, linesValid: f.linesValid, linesCovered: f.linesCovered })),
    });
    writeFileSync(opts.html, html);
    out.log(`wrote ${opts.html} (run #${run.number}, ${summary.status})`);
    return 0;
  } catch (err) {
    if (err instanceof StoreError) throw new UsageError(err.message);
    throw err;
  } finally {
    store.close();
  }
}
