// Workflow commands in a step's output lines, interpreted as actions/runner's ActionCommandManager
// does: `::name key=value,key=value::data` anywhere after leading whitespace, and the legacy
// `##[name key=value;key=value]data` anywhere in the line.
import { dotnetTrim } from "./masker.js";
import { parseCommand, type Command } from "./workflow-command-parse.js";

export type AnnotationLevel = "error" | "warning" | "notice";

export type LineAction =
  /** A line for the log, as is. */
  | { kind: "output"; text: string }
  | {
      kind: "annotation";
      level: AnnotationLevel;
      message: string;
      file?: string;
      line?: number;
      col?: number;
      endLine?: number;
      endColumn?: number;
      title?: string;
    }
  /** Logged by GitHub as `##[group]title` / `##[endgroup]`. */
  | { kind: "group-start"; title: string }
  | { kind: "group-end" }
  /** Register with Masker.add before printing anything that follows. */
  | { kind: "mask"; value: string }
  /** Shown only when step debug logging is on (ACTIONS_STEP_DEBUG). */
  | { kind: "debug"; message: string }
  | { kind: "set-env"; name: string; value: string }
  | { kind: "add-path"; path: string }
  | { kind: "set-output"; name: string; value: string }
  | { kind: "save-state"; name: string; value: string }
  /** Problem matcher files; GitHub resolves a relative file against the workspace. */
  | { kind: "add-matcher"; file: string }
  | { kind: "remove-matcher"; owner?: string; file?: string }
  /** An error annotation that also fails the step. */
  | { kind: "command-error"; message: string };

export interface CommandProcessorOptions {
  /** ACTIONS_ALLOW_UNSECURE_COMMANDS is true (see allowsUnsecureCommands): set-env and add-path work. */
  allowUnsecure: boolean;
  /** ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS (see allowsUnsecureStopTokens). */
  allowUnsecureStopTokens?: boolean;
  /** Step debug logging (ACTIONS_STEP_DEBUG); commands are then echoed until `::echo::off`. */
  debug: boolean;
  /** Annotation files under this directory are reported relative to it, as GitHub does. */
  workspace?: string;
  /**
   * stopToken of the previous step's processor. GitHub keeps one command manager per job, so output
   * after `::stop-commands::` stays uninterpreted in later steps until the token appears.
   */
  stopToken?: string;
}

const DISABLED_MESSAGE = (command: string): string =>
  `The \`${command}\` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the \`ACTIONS_ALLOW_UNSECURE_COMMANDS\` environment variable to \`true\`. For more information see: https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/`;
const DEPRECATED_MESSAGE = (command: string): string =>
  `The \`${command}\` command is deprecated and will be disabled soon. Please upgrade to using Environment Files. For more information see: https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/`;
const INVALID_STOP_TOKEN_MESSAGE =
  "You cannot use a endToken that is an empty string, the string 'pause-logging', or another workflow command. For more information see: https://docs.github.com/actions/learn-github-actions/workflow-commands-for-github-actions#example-stopping-and-starting-workflow-commands or opt into insecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS` environment variable to `true`.";

/** A command GitHub rejects: it logs "Unable to process command ..." and this message, and fails the step. */
class CommandFailure extends Error {}

interface Handler {
  /** add-mask (which echoes a masked form instead), debug and the annotation commands are never echoed. */
  omitEcho: boolean;
  run: (command: Command, step: StepState, emit: LineAction[]) => void;
}

interface StepState {
  options: CommandProcessorOptions;
  echo: boolean;
}

const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ["set-env", { omitEcho: false, run: setEnv }],
  ["set-output", { omitEcho: false, run: (c, _s, emit) => nameValue(c, emit, "set-output") }],
  ["save-state", { omitEcho: false, run: (c, _s, emit) => nameValue(c, emit, "save-state") }],
  ["add-path", { omitEcho: false, run: addPath }],
  ["add-mask", { omitEcho: true, run: addMask }],
  ["add-matcher", { omitEcho: false, run: addMatcher }],
  ["remove-matcher", { omitEcho: false, run: removeMatcher }],
  ["debug", { omitEcho: true, run: (c, _s, emit) => emit.push({ kind: "debug", message: c.data }) }],
  ["warning", { omitEcho: true, run: (c, s, emit) => annotate("warning", c, s, emit) }],
  ["error", { omitEcho: true, run: (c, s, emit) => annotate("error", c, s, emit) }],
  ["notice", { omitEcho: true, run: (c, s, emit) => annotate("notice", c, s, emit) }],
  ["group", { omitEcho: false, run: (c, _s, emit) => emit.push({ kind: "group-start", title: c.data }) }],
  ["endgroup", { omitEcho: false, run: (_c, _s, emit) => emit.push({ kind: "group-end" }) }],
  ["echo", { omitEcho: false, run: setEcho }],
]);
const STOP_COMMANDS = "stop-commands";

/**
 * Interprets one step's output lines, stdout and stderr alike (GitHub reads commands from both).
 * Create one per step; carry stopToken over to the next step's processor.
 */
export class CommandProcessor {
  private readonly step: StepState;
  private stopped: boolean;
  private token: string;

  constructor(options: CommandProcessorOptions) {
    this.step = { options, echo: options.debug };
    this.stopped = options.stopToken !== undefined;
    this.token = options.stopToken ?? "";
  }

  /** The token that resumes command processing while commands are stopped. */
  get stopToken(): string | undefined {
    return this.stopped ? this.token : undefined;
  }

  /**
   * What to do with one line, in order. Split output as .NET's ReadLine does: "\n", "\r\n" and a lone
   * "\r" all end a line and are not part of it. Never throws: a line that is not a well-formed known
   * command is output unchanged.
   */
  processLine(line: string): LineAction[] {
    try {
      return this.process(line);
    } catch {
      return [{ kind: "output", text: line }];
    }
  }

  private process(line: string): LineAction[] {
    const isCommand = (name: string): boolean => {
      const lower = name.toLowerCase();
      return HANDLERS.has(lower) || lower === STOP_COMMANDS || (this.stopped && lower === this.token.toLowerCase());
    };
    const command = parseCommand(line, isCommand);
    if (command === undefined) return [{ kind: "output", text: line }];
    const name = command.name.toLowerCase();

    if (this.stopped) {
      // An empty token (only possible with the unsecure opt-in) never resumes, as in the runner.
      if (this.token !== "" && name === this.token.toLowerCase()) {
        this.stopped = false;
        return [
          { kind: "output", text: line },
          { kind: "debug", message: "Resume processing commands" },
        ];
      }
      return [
        { kind: "debug", message: `Process commands has been stopped and waiting for '##[${this.token}]' to resume.` },
        { kind: "output", text: line },
      ];
    }

    if (name === STOP_COMMANDS) return this.stop(command.data, line);

    const handler = HANDLERS.get(name);
    if (handler === undefined) return [{ kind: "output", text: line }];
    const emit: LineAction[] = [];
    if (this.step.echo && !handler.omitEcho) emit.push({ kind: "output", text: line });
    try {
      handler.run(command, this.step, emit);
    } catch (error) {
      if (!(error instanceof CommandFailure)) throw error;
      const shown = handler.omitEcho ? name : line;
      emit.push({ kind: "command-error", message: `Unable to process command '${shown}' successfully.` }, { kind: "command-error", message: error.message });
    }
    return emit;
  }

  private stop(token: string, line: string): LineAction[] {
    const lower = token.toLowerCase();
    const invalid = token === "" || lower === "pause-logging" || lower === STOP_COMMANDS || HANDLERS.has(lower);
    if (invalid && !this.step.options.allowUnsecureStopTokens) {
      // The runner throws this outside its per-command error handling, which fails the step.
      return [{ kind: "command-error", message: INVALID_STOP_TOKEN_MESSAGE }];
    }
    this.stopped = true;
    this.token = token;
    const actions: LineAction[] = [];
    // The token is masked for the rest of the job so that nobody can read it from the log to inject commands.
    if (token.length > 6) actions.push({ kind: "mask", value: token });
    actions.push(
      { kind: "output", text: line },
      { kind: "debug", message: "Paused processing commands until the token you called ::stopCommands:: with is received" },
    );
    return actions;
  }
}

/** bool.TryParse, which the runner applies to ACTIONS_ALLOW_UNSECURE_COMMANDS: "true" in any case, trimmed. */
export function allowsUnsecureCommands(...values: (string | undefined)[]): boolean {
  return values.some((v) => v !== undefined && dotnetTrim(v).toLowerCase() === "true");
}

/** The runner's looser boolean for ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS: 1, true or $true. */
export function allowsUnsecureStopTokens(...values: (string | undefined)[]): boolean {
  return values.some((v) => v !== undefined && ["1", "true", "$true"].includes(v.toLowerCase()));
}

function setEnv(command: Command, step: StepState, emit: LineAction[]): void {
  if (!step.options.allowUnsecure) throw new CommandFailure(DISABLED_MESSAGE("set-env"));
  const name = command.properties.get("name") ?? "";
  if (name === "") throw new CommandFailure("Required field 'name' is missing in ##[set-env] command.");
  if (name.toUpperCase() === "NODE_OPTIONS") {
    emit.push({ kind: "annotation", level: "error", message: "Can't update NODE_OPTIONS environment variable using ::set-env:: command." });
    return;
  }
  emit.push({ kind: "set-env", name, value: command.data });
}

function nameValue(command: Command, emit: LineAction[], kind: "set-output" | "save-state"): void {
  emit.push({ kind: "annotation", level: "warning", message: DEPRECATED_MESSAGE(kind) });
  const name = command.properties.get("name") ?? "";
  if (name === "") throw new CommandFailure(`Required field 'name' is missing in ##[${kind}] command.`);
  emit.push({ kind, name, value: command.data });
}

function addPath(command: Command, step: StepState, emit: LineAction[]): void {
  if (!step.options.allowUnsecure) throw new CommandFailure(DISABLED_MESSAGE("add-path"));
  if (command.data === "") throw new CommandFailure("Value cannot be null. (Parameter 'path')");
  emit.push({ kind: "add-path", path: command.data });
}

function addMask(command: Command, step: StepState, emit: LineAction[]): void {
  if (dotnetTrim(command.data) === "") {
    emit.push({ kind: "annotation", level: "warning", message: "Can't add secret mask for empty string in ##[add-mask] command." });
    return;
  }
  if (step.echo) emit.push({ kind: "output", text: "::add-mask::***" });
  emit.push({ kind: "mask", value: command.data });
}

function addMatcher(command: Command, _step: StepState, emit: LineAction[]): void {
  if (command.data === "") {
    emit.push({ kind: "annotation", level: "warning", message: "File path must be specified." });
    return;
  }
  emit.push({ kind: "add-matcher", file: command.data });
}

function removeMatcher(command: Command, _step: StepState, emit: LineAction[]): void {
  const owner = command.properties.get("owner") ?? "";
  const file = command.data;
  if (owner !== "" && file !== "") {
    emit.push({
      kind: "annotation",
      level: "warning",
      message: "Either specify an owner name or a file path in ##[remove-matcher] command. Both values cannot be set.",
    });
  } else if (owner === "" && file === "") {
    emit.push({
      kind: "annotation",
      level: "warning",
      message: "Either an owner name or a file path must be specified in ##[remove-matcher] command.",
    });
  } else {
    emit.push(owner !== "" ? { kind: "remove-matcher", owner } : { kind: "remove-matcher", file });
  }
}

function setEcho(command: Command, step: StepState, emit: LineAction[]): void {
  if (command.data === "") throw new CommandFailure("Value cannot be null. (Parameter 'value')");
  const value = dotnetTrim(command.data).toUpperCase();
  if (value !== "ON" && value !== "OFF") {
    throw new CommandFailure(`Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: '${command.data}'.`);
  }
  step.echo = value === "ON";
  emit.push({ kind: "debug", message: `Setting echo command value to '${step.echo ? "on" : "off"}'` });
}

function annotate(level: AnnotationLevel, command: Command, step: StepState, emit: LineAction[]): void {
  const props = command.properties;
  for (const message of validateLinesAndColumns(command.name, props)) emit.push({ kind: "debug", message });
  const annotation: Extract<LineAction, { kind: "annotation" }> = { kind: "annotation", level, message: command.data };
  const file = props.get("file");
  if (file !== undefined) annotation.file = workspaceRelative(file, step.options.workspace);
  const numbers = [
    ["line", "line"],
    ["col", "col"],
    ["endline", "endLine"],
    ["endcolumn", "endColumn"],
  ] as const;
  for (const [key, field] of numbers) {
    const n = parseInt32(props.get(key));
    if (n !== undefined) annotation[field] = n;
  }
  const title = props.get("title");
  if (title !== undefined) annotation.title = title;
  emit.push(annotation);
}

/**
 * GitHub's repair of inconsistent positions: an end without a start becomes the start, columns need a
 * line and a single line, and reversed ranges are dropped. Returns the debug messages GitHub logs.
 */
function validateLinesAndColumns(commandName: string, props: Map<string, string>): string[] {
  const debug: string[] = [];
  const invalid = (text: string): void => {
    debug.push(`Invalid ${commandName} command value. ${text}`);
  };
  let line = props.get("line");
  const endLine = props.get("endline");
  const lineNumber = parseInt32(line);
  const endLineNumber = parseInt32(endLine);
  const columnNumber = parseInt32(props.get("col"));
  const endColumn = props.get("endcolumn");
  const endColumnNumber = parseInt32(endColumn);
  let hasStartLine = lineNumber !== undefined;
  const hasEndLine = endLineNumber !== undefined;
  let hasStartColumn = columnNumber !== undefined;
  const hasEndColumn = endColumnNumber !== undefined;
  const hasColumn = hasStartColumn || hasEndColumn;
  const dropColumns = (): void => {
    props.delete("col");
    props.delete("endcolumn");
  };

  if (hasEndLine && !hasStartLine) {
    invalid("'endLine' can only be set if 'line' is provided");
    props.set("line", endLine ?? "");
    hasStartLine = true;
    line = endLine;
  }
  if (hasEndColumn && !hasStartColumn) {
    invalid("'endColumn' can only be set if 'col' is provided");
    props.set("col", endColumn ?? "");
    hasStartColumn = true;
  }
  if (!hasStartLine && hasColumn) {
    invalid("'col' and 'endColumn' can only be set if 'line' value is provided.");
    dropColumns();
  }
  if (hasEndLine && line !== endLine && hasColumn) {
    invalid("'col' and 'endColumn' cannot be set if 'line' and 'endLine' are different values.");
    dropColumns();
  }
  // As in the runner, a start copied from the end compares as 0 here, so it is never "after" the end.
  if (hasStartLine && hasEndLine && (endLineNumber ?? 0) < (lineNumber ?? 0)) {
    invalid("'endLine' cannot be less than 'line'.");
    props.delete("line");
    props.delete("endline");
  }
  if (hasStartColumn && hasEndColumn && (endColumnNumber ?? 0) < (columnNumber ?? 0)) {
    invalid("'endColumn' cannot be less than 'col'.");
    dropColumns();
  }
  return debug;
}

// IOUtil.MakeRelative: a plain prefix test, so only a path spelled under the workspace is shortened.
function workspaceRelative(file: string, workspace: string | undefined): string {
  if (!workspace || !file.startsWith(workspace) || file.length === workspace.length) return file;
  if (workspace.endsWith("/")) return file.slice(workspace.length);
  return file[workspace.length] === "/" ? file.slice(workspace.length + 1) : file;
}

// int.TryParse: optional surrounding whitespace and sign, decimal digits, 32-bit range.
function parseInt32(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*[+-]?\d+\s*$/.test(value)) return undefined;
  const n = Number(value.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}
