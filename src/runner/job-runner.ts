// Runs one job on the host: prepares its workspace and contexts, runs its steps through the
// step lifecycle, then its post steps, and hands back its outcome, outputs and reports.
import type { JobRequest, JobResult } from "./job-types.js";
import { collectReports, reportBaseline, type CollectedReport, type ReportBaseline } from "./collect-reports.js";
import { JobState, statusView, type Status } from "./job-state.js";
import { maskReport, maskStep } from "./masking-sink.js";
import { runPostSteps } from "./post-steps.js";
import { prepareJob } from "./prepare-job.js";
import { runSteps } from "./step-lifecycle.js";
import { removeJobDirs } from "./workspace.js";

export async function runJob(req: JobRequest): Promise<JobResult> {
  const state = new JobState(req);
  const job = req.job.job;
  const started = Date.now();
  let reportFiles: CollectedReport[] = [];
  const finish = (conclusion: Status, outputs: Record<string, string> = {}): JobResult => ({
    conclusion,
    outputs,
    steps: state.records.map((r) => maskStep(r, state.masker)),
    summary: state.summaries.join(""),
    reports: state.reports.map((r) => maskReport(r, state.masker)),
    reportFiles,
    mask: (text) => state.masker.mask(text),
  });
  try {
    if (job.container !== undefined || job.services !== undefined) {
      const what = job.container !== undefined ? "`container:`" : "`services:`";
      state.annotate(null, {
        level: "error",
        message: `job '${job.id}' uses ${what}, which needs a container engine; tierci runs jobs on the host without one. The rest of the pipeline goes on.`,
        file: req.workflow.file,
        line: job.pos.line,
        col: job.pos.col,
      });
      return finish("failure");
    }
    await prepareJob(state);
    const wanted = req.options.reports;
    const baseline = wanted ? await reportBaseline(state.workspace, wanted.globs) : new Map<string, string>();
    await runSteps(state, job.steps, state.top);
    await runPostSteps(state);
    const outputs = jobOutputs(state);
    if (wanted) reportFiles = await collectJobReports(state, wanted, baseline);
    return finish(state.cancelled ? "cancelled" : state.jobStatus, outputs);
  } catch (err) {
    state.annotate(null, { level: "error", message: `the job could not run: ${err instanceof Error ? err.message : String(err)}` });
    return finish(state.cancelled ? "cancelled" : "failure");
  } finally {
    const killed = await state.tracker.killAll();
    for (const k of killed) state.system(`Terminated orphan process ${k.pid} (${k.command})`);
    if (state.prepared && !req.options.keepWorkspace && !req.options.reuseWorkspace) await removeJobDirs(state.dirs);
    state.system(`Job finished in ${Date.now() - started} ms`);
  }
}

async function collectJobReports(state: JobState, wanted: NonNullable<JobRequest["options"]["reports"]>, baseline: ReportBaseline): Promise<CollectedReport[]> {
  try {
    const files = await collectReports(state.workspace, wanted.globs, baseline, wanted.dir);
    for (const r of files) state.system(`Found ${r.kind} report ${r.source}`);
    return files;
  } catch (err) {
    state.annotate(null, { level: "warning", message: `could not collect the job's reports: ${(err as Error).message}` });
    return [];
  }
}

/** The job's `outputs:`; one that would show a secret is left out with a warning, as on GitHub. */
function jobOutputs(state: JobState): Record<string, string> {
  const outputs: Record<string, string> = {};
  const contexts = state.scopeContexts(state.top);
  const status = statusView(state.jobStatus, state.cancelled);
  for (const [k, v] of Object.entries(state.req.job.job.outputs)) {
    try {
      const value = state.evaluateText(v, contexts, status);
      if (state.masker.mask(value) !== value) {
        state.annotate(null, { level: "warning", message: `Skip output '${k}' since it may contain secret.` });
        continue;
      }
      outputs[k] = value;
    } catch (err) {
      state.annotate(null, { level: "error", message: `job output '${k}': ${(err as Error).message}` });
    }
  }
  return outputs;
}
