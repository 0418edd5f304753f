// The one place a job's text is masked on its way out: everything the runner reports goes
// through this sink, so step names, log lines and annotations (message, title, file) can
// never reach the store, the terminal or a report with a secret or an ::add-mask:: value in it.
import type { BuiltinReport } from "../actions/builtin-types.js";
import type { Annotation, JobSink, StepInfo, StepRecord } from "./job-types.js";
import type { Masker } from "./masker.js";

export function maskAnnotation(a: Annotation, masker: Masker): Annotation {
  return {
    ...a,
    message: masker.mask(a.message),
    ...(a.title !== undefined ? { title: masker.mask(a.title) } : {}),
    ...(a.file !== undefined ? { file: masker.mask(a.file) } : {}),
  };
}

export function maskStep<T extends StepInfo | StepRecord>(step: T, masker: Masker): T {
  return { ...step, name: masker.mask(step.name), ...(step.id !== undefined ? { id: masker.mask(step.id) } : {}) };
}

export function maskingSink(sink: JobSink, masker: Masker): JobSink {
  return {
    stepStart: (step) => sink.stepStart(maskStep(step, masker)),
    stepEnd: (record) => sink.stepEnd(maskStep(record, masker)),
    log: (index, stream, line) => sink.log(index, stream, masker.mask(line)),
    annotation: (index, a) => sink.annotation(index, maskAnnotation(a, masker)),
  };
}

/** What built-in actions report for the summary (cache keys, artifact names, coverage files), masked. */
export function maskReport(report: BuiltinReport, masker: Masker): BuiltinReport {
  switch (report.kind) {
    case "cache":
      return { ...report, key: masker.mask(report.key), restoredKey: report.restoredKey === null ? null : masker.mask(report.restoredKey) };
    case "artifact":
      return { ...report, name: masker.mask(report.name) };
    case "coverage":
      return { ...report, file: masker.mask(report.file), name: masker.mask(report.name), flags: report.flags.map((f) => masker.mask(f)) };
  }
}
