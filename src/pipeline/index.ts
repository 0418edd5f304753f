// The pipeline as a library: one call runs what `tierci run` runs.
export { runPipeline, HOST_NOTE } from "./run-pipeline.js";
export { reapDeadRuns, type Reaped } from "./run-ledger.js";
export { asRunWarnings, blocksRun, loadForRun } from "./load-stage.js";
export { narrowPlan, planForEvent } from "./prepare.js";
export { PipelineRefused, type EventRequest, type PipelineRequest, type PipelineResult, type PipelineSinks } from "./types.js";
