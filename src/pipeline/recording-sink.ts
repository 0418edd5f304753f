// Writes what a running job reports into the store, before it is shown anywhere, so
// that a crash never loses a line that was already printed.
import type { Annotation, JobSink, LogStream, StepInfo, StepRecord } from "../runner/job-types.js";
import type { RunStore } from "../store/types.js";

export class RecordingSink implements JobSink {
  private readonly stepRows = new Map<number, number>();

  constructor(
    private readonly store: RunStore,
    private readonly runId: string,
    readonly jobRowId: number,
  ) {}

  stepStart(step: StepInfo): void {
    const row = this.store.addStep({ jobRowId: this.jobRowId, index: step.index, name: step.name, stepId: step.id ?? null, startedAt: Date.now() });
    this.stepRows.set(step.index, row.id);
  }

  stepEnd(record: StepRecord): void {
    const row = this.stepRows.get(record.index);
    if (row !== undefined) this.store.finishStep(row, { outcome: record.outcome, conclusion: record.conclusion });
  }

  log(stepIndex: number | null, stream: LogStream, line: string): void {
    this.store.appendLog({ jobRowId: this.jobRowId, stepIndex, stream, text: line });
  }

  annotation(stepIndex: number | null, a: Annotation): void {
    this.store.addAnnotation({
      runId: this.runId,
      jobRowId: this.jobRowId,
      stepIndex,
      level: a.level,
      message: a.message,
      title: a.title ?? null,
      file: a.file ?? null,
      line: a.line ?? null,
      col: a.col ?? null,
      endLine: a.endLine ?? null,
      endCol: a.endColumn ?? null,
    });
  }
}

/** Sends every report to each sink in order (the store first). */
export function fanOut(...sinks: JobSink[]): JobSink {
  return {
    stepStart: (s) => sinks.forEach((k) => k.stepStart(s)),
    stepEnd: (r) => sinks.forEach((k) => k.stepEnd(r)),
    log: (i, st, l) => sinks.forEach((k) => k.log(i, st, l)),
    annotation: (i, a) => sinks.forEach((k) => k.annotation(i, a)),
  };
}
