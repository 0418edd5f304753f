// Runs one process for a step (a script or a JavaScript action): fresh env files,
// workflow commands and masking on every output line, and what the env files said.
import { appendAll } from "../util/large-arrays.js";
import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import {
  createStepEnvFiles,
  envFileBlockedMessage,
  FILE_COMMAND_LABELS,
  parseEnvFile,
  parsePathFile,
  stepSummarySizeError,
  type EnvFileName,
} from "./env-files.js";
import type { Annotation, JobSink, LogStream } from "./job-types.js";
import type { Masker } from "./masker.js";
import { MAX_LINE_CHARS, runProcess, type ProcessGroupTracker } from "./process-tree.js";
import { CommandProcessor } from "./workflow-commands.js";

export interface StepProcessRequest {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stepIndex: number;
  internalDir: string;
  workspace: string;
  signal: AbortSignal;
  tracker: ProcessGroupTracker;
  masker: Masker;
  /** Masks what it is given (the job's masking sink). */
  sink: JobSink;
  debug: boolean;
  allowUnsecure: boolean;
  allowUnsecureStopTokens: boolean;
  /** The stop-commands token left active by the previous step; GitHub keeps it for the whole job. */
  stopToken?: string;
  graceMs?: { interrupt: number; terminate: number };
}

export interface StepProcessResult {
  exitCode: number | null;
  cancelled: boolean;
  outputs: Record<string, string>;
  env: [string, string][];
  path: string[];
  state: Record<string, string>;
  summary: string;
  /** Problems with env files or workflow commands; each fails the step, as on GitHub. */
  errors: string[];
  /** Error annotations the step printed itself (so no generic exit-code error is added). */
  errorAnnotations: number;
  stopToken?: string;
}

/** GitHub keeps at most this many annotations of each level per step. */
const ANNOTATIONS_PER_LEVEL = 10;

export async function runStepProcess(req: StepProcessRequest): Promise<StepProcessResult> {
  const files = createStepEnvFiles(req.internalDir);
  const commands = new CommandProcessor({
    allowUnsecure: req.allowUnsecure,
    allowUnsecureStopTokens: req.allowUnsecureStopTokens,
    debug: req.debug,
    workspace: req.workspace,
    ...(req.stopToken !== undefined ? { stopToken: req.stopToken } : {}),
  });
  const outputs: Record<string, string> = {};
  const state: Record<string, string> = {};
  const env: [string, string][] = [];
  const path: string[] = [];
  const errors: string[] = [];
  const perLevel: Record<string, number> = {};
  let errorAnnotations = 0;

  const emit = (stream: LogStream, text: string): void => req.sink.log(req.stepIndex, stream, text);
  const annotate = (a: Annotation): void => {
    if (a.level === "error") errorAnnotations++;
    perLevel[a.level] = (perLevel[a.level] ?? 0) + 1;
    emit("stdout", `${a.level === "notice" ? "Notice" : a.level === "warning" ? "Warning" : "Error"}: ${a.message}`);
    if ((perLevel[a.level] ?? 0) <= ANNOTATIONS_PER_LEVEL) req.sink.annotation(req.stepIndex, a);
  };

  const onLine =
    (stream: LogStream) =>
    (line: string, cut: number): void => {
      if (cut > 0) {
        // A cut line is output, never a command: half a command must not take effect.
        emit(stream, `${req.masker.maskCut(line)} … [${cut} more characters of this line were not kept: tierci keeps ${MAX_LINE_CHARS} characters of a line]`);
        return;
      }
      for (const action of commands.processLine(line)) {
        switch (action.kind) {
          case "output":
            emit(stream, action.text);
            break;
          case "annotation": {
            const { kind, ...annotation } = action;
            annotate(annotation);
            break;
          }
          case "group-start":
            emit(stream, `▸ ${action.title}`);
            break;
          case "group-end":
          case "add-matcher":
          case "remove-matcher":
            break;
          case "mask":
            req.masker.add(action.value);
            break;
          case "debug":
            if (req.debug) emit(stream, `##[debug]${action.message}`);
            break;
          case "set-output":
            outputs[action.name] = action.value;
            break;
          case "save-state":
            state[action.name] = action.value;
            break;
          case "set-env": {
            const blocked = envFileBlockedMessage(action.name);
            if (blocked) annotate({ level: "error", message: blocked });
            else env.push([action.name, action.value]);
            break;
          }
          case "add-path":
            path.push(action.path);
            break;
          case "command-error":
            errors.push(action.message);
            annotate({ level: "error", message: action.message });
            break;
        }
      }
    };

  const result = await runProcess({
    command: req.command,
    args: req.args,
    cwd: req.cwd,
    env: { ...req.env, ...files },
    onStdout: onLine("stdout"),
    onStderr: onLine("stderr"),
    signal: req.signal,
    tracker: req.tracker,
    ...(req.graceMs ? { graceMs: req.graceMs } : {}),
  });

  // Most steps write none of the files: an empty one is known from its size, without reading it.
  const read = async (name: EnvFileName): Promise<string> => {
    try {
      return (statSync(files[name], { throwIfNoEntry: false })?.size ?? 0) === 0 ? "" : await readFile(files[name], "utf8");
    } catch {
      return "";
    }
  };
  const parsed = async (name: "GITHUB_OUTPUT" | "GITHUB_ENV" | "GITHUB_STATE"): Promise<[string, string][]> => {
    const r = parseEnvFile(await read(name), FILE_COMMAND_LABELS[name]);
    for (const e of r.errors) {
      errors.push(e);
      annotate({ level: "error", message: e });
    }
    return r.values;
  };
  for (const [k, v] of await parsed("GITHUB_OUTPUT")) outputs[k] = v;
  for (const [k, v] of await parsed("GITHUB_STATE")) state[k] = v;
  for (const [k, v] of await parsed("GITHUB_ENV")) {
    const blocked = envFileBlockedMessage(k);
    if (blocked) annotate({ level: "error", message: blocked });
    else env.push([k, v]);
  }
  appendAll(path, parsePathFile(await read("GITHUB_PATH")));
  let summary = await read("GITHUB_STEP_SUMMARY");
  const tooBig = stepSummarySizeError(Buffer.byteLength(summary));
  if (tooBig) {
    annotate({ level: "error", message: tooBig });
    summary = "";
  }
  return {
    exitCode: result.exitCode,
    cancelled: result.cancelled,
    outputs,
    env,
    path,
    state,
    summary: req.masker.mask(summary),
    errors,
    errorAnnotations,
    ...(commands.stopToken !== undefined ? { stopToken: commands.stopToken } : {}),
  };
}
