// The per-step environment files (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STATE,
// GITHUB_STEP_SUMMARY), parsed the way actions/runner's FileCommandManager does on Linux and macOS.
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { delimiter as pathDelimiter, join } from "node:path";

export const ENV_FILE_NAMES = ["GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE", "GITHUB_STEP_SUMMARY"] as const;
export type EnvFileName = (typeof ENV_FILE_NAMES)[number];

/** The name GitHub gives each file command in its error messages ("Unable to process file command 'env' ..."). */
export const FILE_COMMAND_LABELS: Record<EnvFileName, string> = {
  GITHUB_OUTPUT: "output",
  GITHUB_ENV: "env",
  GITHUB_PATH: "path",
  GITHUB_STATE: "state",
  GITHUB_STEP_SUMMARY: "step_summary",
};

// The runner's own file name prefixes; all five files of a step share one random suffix.
const FILE_PREFIXES: Record<EnvFileName, string> = {
  GITHUB_OUTPUT: "set_output_",
  GITHUB_ENV: "set_env_",
  GITHUB_PATH: "add_path_",
  GITHUB_STATE: "save_state_",
  GITHUB_STEP_SUMMARY: "step_summary_",
};

/**
 * Creates the five files of one step, empty, under dir (created when missing) and returns their paths
 * keyed by the variable that exposes them. Every step gets new files, so nothing a previous step wrote
 * is read twice. Synchronous: creating five empty files takes microseconds, where a trip through
 * libuv's thread pool for each open, write and close took a millisecond or two per step.
 */
export function createStepEnvFiles(dir: string): Record<EnvFileName, string> {
  mkdirSync(dir, { recursive: true });
  const suffix = randomUUID();
  const entries = ENV_FILE_NAMES.map((name) => [name, join(dir, FILE_PREFIXES[name] + suffix)] as const);
  for (const [, file] of entries) writeFileSync(file, "");
  return Object.fromEntries(entries) as Record<EnvFileName, string>;
}

export interface EnvFileResult {
  /** NAME/value pairs in file order; a name may repeat and the last one wins. */
  values: [string, string][];
  /**
   * Empty when the file parsed. Otherwise the two error lines GitHub logs, and the step fails; the pairs
   * before the bad line are still in values, because the runner applies them as it reads.
   */
  errors: string[];
}

/**
 * Parses GITHUB_OUTPUT, GITHUB_ENV or GITHUB_STATE. label is the file command's name for the error
 * message (FILE_COMMAND_LABELS).
 *
 * Lines end at "\n" only: a "\r" before it stays part of the line, so with CRLF files a value keeps its
 * trailing "\r" and a heredoc delimiter line "EOF\r" does not close "EOF" (the runner behaves so on
 * Linux and macOS). Empty lines are skipped, lines holding only spaces are not. A line is NAME=value or
 * NAME<<DELIMITER, whichever of "=" and "<<" comes first; the name is not trimmed and, as in the runner,
 * may be empty in the NAME=value form. A heredoc value is the text between the opening line and the
 * first line equal to the delimiter, without the final newline.
 */
export function parseEnvFile(text: string, label: string): EnvFileResult {
  const values: [string, string][] = [];
  const fail = (message: string): EnvFileResult => ({
    values,
    errors: [`Unable to process file command '${label}' successfully.`, message],
  });
  const body = stripBom(text);
  let index = 0;
  while (index < body.length) {
    const { line, next } = readLine(body, index);
    index = next;
    if (line === "") continue;
    const equals = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      values.push([line.slice(0, equals), line.slice(equals + 1)]);
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === "" || delimiter === "") {
        return fail(`Invalid format '${line}'. Name must not be empty and delimiter must not be empty`);
      }
      const start = index;
      let end = index;
      for (;;) {
        if (index >= body.length) return fail(`Invalid value. Matching delimiter not found '${delimiter}'`);
        const content = readLine(body, index);
        index = content.next;
        if (content.line === delimiter) break;
        if (!content.hadNewline) return fail("Invalid value. EOF marker missing new line.");
        end = index - 1;
      }
      values.push([name, body.slice(start, end)]);
    } else {
      return fail(`Invalid format '${line}'`);
    }
  }
  return { values, errors: [] };
}

function readLine(text: string, index: number): { line: string; next: number; hadNewline: boolean } {
  const lf = text.indexOf("\n", index);
  if (lf < 0) return { line: text.slice(index), next: text.length, hadNewline: false };
  return { line: text.slice(index, lf), next: lf + 1, hadNewline: true };
}

/**
 * Names GitHub refuses in GITHUB_ENV (compared without regard to case): the pair is dropped and this
 * error annotation is added, but the step does not fail.
 */
export function envFileBlockedMessage(name: string): string | undefined {
  return name.toUpperCase() === "NODE_OPTIONS" ? "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command." : undefined;
}

/**
 * The directories of a GITHUB_PATH file in file order. The runner reads this file with .NET's line
 * reader, so "\r\n", "\n" and a lone "\r" all end a line; empty lines are skipped.
 * Feed the result to mergePrependPath: the last line ends up first on PATH.
 */
export function parsePathFile(text: string): string[] {
  return stripBom(text)
    .split(/\r\n|\r|\n/)
    .filter((line) => line !== "");
}

/**
 * The job's prepend list after a step added dirs (from GITHUB_PATH or add-path), oldest first. A
 * directory added again moves to the newest end instead of appearing twice.
 */
export function mergePrependPath(current: readonly string[], added: readonly string[]): string[] {
  const list = [...current];
  for (const dir of added) {
    const at = list.indexOf(dir);
    if (at >= 0) list.splice(at, 1);
    list.push(dir);
  }
  return list;
}

/**
 * PATH for a step: the prepend list newest first, then the step's PATH. Nothing is added when the step's
 * PATH already starts with exactly that prefix, and no trailing separator is left when it is empty (an
 * empty PATH entry would mean the current directory).
 */
export function buildPath(prependList: readonly string[], currentPath: string, delimiter: string = pathDelimiter): string {
  if (prependList.length === 0) return currentPath;
  const prefix = [...prependList].reverse().join(delimiter);
  if (currentPath === "") return prefix;
  if (currentPath.startsWith(prefix + delimiter)) return currentPath;
  return prefix + delimiter + currentPath;
}

/** GitHub's limit on one step's summary file; larger summaries are dropped with an error. */
export const STEP_SUMMARY_SIZE_LIMIT = 1024 * 1024;

/** The error GitHub logs for a step summary over the limit, or undefined when the size is accepted. */
export function stepSummarySizeError(sizeBytes: number): string | undefined {
  if (sizeBytes <= STEP_SUMMARY_SIZE_LIMIT) return undefined;
  const limitK = Math.floor(STEP_SUMMARY_SIZE_LIMIT / 1024);
  const gotK = Math.floor(sizeBytes / 1024);
  return (
    `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of ${limitK}k, got ${gotK}k. ` +
    "For more information see: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-markdown-summary"
  );
}

// .NET's file reading drops a UTF-8 byte order mark; Node's does not.
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
