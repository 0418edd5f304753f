// A job attempt as it travels to another machine and back: what the server puts on the queue for
// an agent (everything `runJob` needs except what only the agent's host has: directories, the
// signal, the sink, and the secrets' values, which the agent is handed when it leases the job),
// what the agent reports while the job runs, and what it sends back when the job ends. Plain JSON
// both ways, so that the server and agents of one build agree by construction.
import type { BuiltinReport, SharedCache } from "../actions/builtin-types.js";
import type { ExprValue } from "../expr/value.js";
import type { PlannedJob, PlannedWorkflow } from "../plan/plan-types.js";
import type { ReportKind } from "../runner/collect-reports.js";
import type { Annotation, JobRequest, JobResult, JobSink, LogStream, NeedResult, StepInfo, StepRecord } from "../runner/job-types.js";
import type { RunEvent, RunIdentity } from "../runner/run-context.js";
import type { ReportGlobs } from "../workflow/model.js";

/** Bumped when a field changes meaning: an agent of another version is refused at lease time. */
export const REMOTE_PROTOCOL = 1;

export interface JobSpec {
  tier: string;
  workflow: PlannedWorkflow;
  job: PlannedJob;
  needs: Record<string, NeedResult>;
  strategy: Record<string, ExprValue>;
  event: RunEvent;
  run: RunIdentity;
  /** The run store's run id: artifacts of the run are kept under it. */
  runTag: string;
  offline: boolean;
  debug: boolean;
  env: Record<string, string>;
  vars: Record<string, string>;
  /** The names of the secrets the job may read; their values come with the lease, never through the queue. */
  secretNames: string[];
  reports: ReportGlobs | null;
}

/** One thing a running job reported, in the order it happened. */
export type JobEvent =
  | { t: "step-start"; step: StepInfo }
  | { t: "step-end"; record: StepRecord }
  | { t: "log"; step: number | null; stream: LogStream; line: string }
  | { t: "annotation"; step: number | null; annotation: Annotation };

/** A report file the job wrote, uploaded as a blob (its SHA-256). */
export interface RemoteReportFile {
  kind: ReportKind;
  source: string;
  blob: string;
}

export interface JobOutcome {
  conclusion: JobResult["conclusion"];
  outputs: Record<string, string>;
  steps: StepRecord[];
  summary: string;
  reports: BuiltinReport[];
  reportFiles: RemoteReportFile[];
  /** A tar of the artifacts the job uploaded (the run's artifact directories it created), as a blob. */
  artifacts: string | null;
}

export function toJobSpec(req: JobRequest): JobSpec {
  const o = req.options;
  return {
    tier: req.tier,
    workflow: req.workflow,
    job: req.job,
    needs: req.needs,
    strategy: req.strategy,
    event: req.event,
    run: req.run,
    runTag: o.runTag ?? req.run.id,
    offline: o.offline,
    debug: o.debug,
    env: o.env,
    vars: o.vars,
    secretNames: Object.keys(o.secrets).sort(),
    reports: o.reports?.globs ?? null,
  };
}

/** What only the host that runs the job has. */
export interface LocalJobParts {
  repoRoot: string;
  stateDir: string;
  reportsDir: string;
  actionDirs: string[];
  secrets: Record<string, string>;
  signal: AbortSignal;
  sink: JobSink;
  runnerName: string;
  sharedCache?: SharedCache;
}

export function fromJobSpec(spec: JobSpec, local: LocalJobParts): JobRequest {
  return {
    tier: spec.tier,
    workflow: spec.workflow,
    job: spec.job,
    needs: spec.needs,
    strategy: spec.strategy,
    event: spec.event,
    run: spec.run,
    signal: local.signal,
    sink: local.sink,
    options: {
      runTag: spec.runTag,
      repoRoot: local.repoRoot,
      stateDir: local.stateDir,
      reuseWorkspace: false,
      keepWorkspace: false,
      actionDirs: local.actionDirs,
      offline: spec.offline,
      env: spec.env,
      secrets: local.secrets,
      vars: spec.vars,
      debug: spec.debug,
      runnerName: local.runnerName,
      ...(local.sharedCache ? { sharedCache: local.sharedCache } : {}),
      ...(spec.reports ? { reports: { globs: spec.reports, dir: local.reportsDir } } : {}),
    },
  };
}

/** Passes one reported event on to a sink. */
export function replayEvent(sink: JobSink, e: JobEvent): void {
  if (e.t === "step-start") sink.stepStart(e.step);
  else if (e.t === "step-end") sink.stepEnd(e.record);
  else if (e.t === "log") sink.log(e.step, e.stream, e.line);
  else sink.annotation(e.step, e.annotation);
}

/** A sink that turns what a job reports into events, in order. */
export function eventSink(emit: (e: JobEvent) => void): JobSink {
  return {
    stepStart: (step) => emit({ t: "step-start", step }),
    stepEnd: (record) => emit({ t: "step-end", record }),
    log: (step, stream, line) => emit({ t: "log", step, stream, line }),
    annotation: (step, annotation) => emit({ t: "annotation", step, annotation }),
  };
}
