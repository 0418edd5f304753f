// The record stage for a job's report files: test results and coverage into the store,
// SARIF results into annotations. Every text that came from the job is masked first.
import type { CollectedReport } from "../runner/collect-reports.js";
import type { Annotation } from "../runner/job-types.js";
import type { RunStore } from "../store/types.js";
import { readCoverage } from "./ingest/coverage.js";
import { readJUnit } from "./ingest/junit.js";
import { readSarif } from "./ingest/sarif.js";
import type { TestCaseResult } from "../formats/report-types.js";

export interface IngestRequest {
  store: RunStore;
  jobRowId: number;
  files: CollectedReport[];
  /** Report paths are made relative to the repository the run started from. */
  repoRoot: string;
  mask(text: string): string;
}

export interface IngestOutcome {
  tests: number;
  coverageFiles: number;
  /** SARIF results, and warnings about reports that could not be read. */
  annotations: Annotation[];
}

/** Results are written in batches, so a report of 100,000 tests never sits in memory whole. */
const BATCH = 2000;

function maskResult(t: TestCaseResult, mask: (s: string) => string): TestCaseResult {
  return {
    ...t,
    name: mask(t.name),
    ...(t.message !== undefined ? { message: mask(t.message) } : {}),
    ...(t.details !== undefined ? { details: mask(t.details) } : {}),
    ...(t.retries ? { retries: t.retries.map((r) => ({ ...r, ...(r.message !== undefined ? { message: mask(r.message) } : {}) })) } : {}),
  };
}

const SARIF_LEVEL = { error: "error", warning: "warning", note: "notice", none: "notice" } as const;

export async function ingestJobReports(req: IngestRequest): Promise<IngestOutcome> {
  const outcome: IngestOutcome = { tests: 0, coverageFiles: 0, annotations: [] };
  for (const file of req.files) {
    try {
      if (file.kind === "junit") {
        let batch: TestCaseResult[] = [];
        for await (const t of readJUnit(file.path)) {
          batch.push(maskResult(t, req.mask));
          if (batch.length >= BATCH) {
            req.store.addTestResults(req.jobRowId, batch);
            outcome.tests += batch.length;
            batch = [];
          }
        }
        req.store.addTestResults(req.jobRowId, batch);
        outcome.tests += batch.length;
      } else if (file.kind === "coverage") {
        const report = await readCoverage(file.path, req.repoRoot);
        req.store.addCoverage(req.jobRowId, report);
        outcome.coverageFiles += report.files.length;
      } else {
        for (const f of await readSarif(file.path, req.repoRoot)) {
          outcome.annotations.push({
            level: SARIF_LEVEL[f.level],
            message: req.mask(`${f.tool}: ${f.message} [${f.ruleId}]`),
            ...(f.file ? { file: f.file } : {}),
            ...(f.line ? { line: f.line } : {}),
            ...(f.col ? { col: f.col } : {}),
            ...(f.endLine ? { endLine: f.endLine } : {}),
            ...(f.endCol ? { endColumn: f.endCol } : {}),
          });
        }
      }
    } catch (err) {
      outcome.annotations.push({ level: "warning", message: req.mask(`could not read the ${file.kind} report ${file.source}: ${(err as Error).message}`) });
    }
  }
  return outcome;
}
