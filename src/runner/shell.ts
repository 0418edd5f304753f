// Choosing the program that runs a `run:` step, as actions/runner's ScriptHandler does.
import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { delimiter as pathDelimiter, isAbsolute, join } from "node:path";

export interface ShellOptions {
  /** The step's `shell:`. */
  shell?: string;
  /** defaults.run.shell of the job, else of the workflow. GitHub does not apply it inside composite actions. */
  defaultsShell?: string;
  platform: NodeJS.Platform;
  /** Finds a program on the PATH GitHub searches: the job's prepended directories, then the runner's PATH. */
  which: (command: string) => string | undefined;
}

export interface ResolvedShell {
  /** The program to start: its path as which found it. */
  command: string;
  /** The first word of the shell option ("bash", "python", "perl", ...), or "sh" for the default. */
  shellCommand: string;
  /** The argument template, containing {0}. */
  argFormat: string;
  /** The script file's extension, "" when the shell is not one GitHub knows. */
  extension: string;
  /** The line GitHub prints in the step's header, e.g. "shell: /usr/bin/bash -e {0}". */
  label: string;
  /** The arguments, with the script's path in place of {0}. */
  args(scriptPath: string): string[];
}

const DEFAULT_ARGUMENTS: Record<string, string> = {
  cmd: '/D /E:ON /V:OFF /S /C "CALL "{0}""',
  pwsh: "-command \". '{0}'\"",
  powershell: "-command \". '{0}'\"",
  bash: "--noprofile --norc -e -o pipefail {0}",
  sh: "-e {0}",
  python: "{0}",
};

const EXTENSIONS: Record<string, string> = {
  cmd: ".cmd",
  pwsh: ".ps1",
  powershell: ".ps1",
  bash: ".sh",
  sh: ".sh",
  python: ".py",
};

const INVALID_SHELL = "Invalid shell option. Shell must be a valid built-in (bash, sh, cmd, powershell, pwsh) or a format string containing '{0}'";

/**
 * Resolves the shell of a run step. With neither shell nor defaults, Linux and macOS run
 * `bash -e {0}` (sh's arguments, with bash when there is one, else sh) and Windows runs pwsh, else
 * powershell. A named shell takes its built-in arguments (names compared without regard to case);
 * anything after the first space is the argument template instead, which must contain {0}. The program
 * must be found by which, so cmd and powershell fail on Linux unless such a program exists.
 */
export function resolveShell(opts: ShellOptions): ResolvedShell | { error: string } {
  const option = opts.shell || opts.defaultsShell || "";
  let shellCommand: string;
  let command: string | undefined;
  let argFormat: string;
  if (option === "") {
    if (opts.platform === "win32") {
      shellCommand = "pwsh";
      command = opts.which("pwsh");
      if (command === undefined) {
        shellCommand = "powershell";
        command = opts.which("powershell");
      }
    } else {
      shellCommand = "sh";
      command = opts.which("bash") ?? opts.which("sh");
    }
    if (command === undefined) return { error: `${shellCommand}: command not found` };
    argFormat = lookup(DEFAULT_ARGUMENTS, shellCommand);
  } else {
    const space = option.indexOf(" ");
    shellCommand = space < 0 ? option : option.slice(0, space);
    if (shellCommand === "") return { error: "Value cannot be null. (Parameter 'command')" };
    command = opts.which(shellCommand);
    if (command === undefined) return { error: `${shellCommand}: command not found` };
    argFormat = (space < 0 ? "" : option.slice(space + 1)).replace(/^\s+/, "") || lookup(DEFAULT_ARGUMENTS, shellCommand);
  }
  if (!argFormat.includes("{0}")) return { error: INVALID_SHELL };
  const template = parseTemplate(argFormat);
  if (typeof template === "string") return { error: template };
  return {
    command,
    shellCommand,
    argFormat,
    extension: lookup(EXTENSIONS, shellCommand),
    label: `shell: ${command} ${argFormat}`,
    args: (scriptPath) => template.map((pieces) => pieces.map((piece) => piece ?? scriptPath).join("")),
  };
}

function lookup(table: Record<string, string>, key: string): string {
  return table[key.toLowerCase()] ?? "";
}

// One argument as literal pieces, undefined standing for the script path.
type ArgTemplate = (string | undefined)[];

/**
 * The runner formats the template with .NET's string.Format and lets .NET split the result into
 * arguments. Here the template is split first and {0} filled in afterwards, so a script path containing
 * spaces stays one argument (on GitHub it would be split). Returns an error message for braces that
 * string.Format rejects.
 */
function parseTemplate(argFormat: string): ArgTemplate[] | string {
  const args: ArgTemplate[] = [];
  for (const word of splitArguments(argFormat)) {
    const pieces: ArgTemplate = [];
    let literal = "";
    for (let i = 0; i < word.length; i++) {
      const c = word[i];
      if ((c === "{" || c === "}") && word[i + 1] === c) {
        literal += c;
        i++;
      } else if (c === "{") {
        const close = word.indexOf("}", i);
        if (close < 0) return "Input string was not in a correct format.";
        if (word.slice(i + 1, close) !== "0") {
          return /^\d+$/.test(word.slice(i + 1, close))
            ? "Index (zero based) must be greater than or equal to zero and less than the size of the argument list."
            : "Input string was not in a correct format.";
        }
        pieces.push(literal, undefined);
        literal = "";
        i = close;
      } else if (c === "}") {
        return "Input string was not in a correct format.";
      } else {
        literal += c;
      }
    }
    pieces.push(literal);
    args.push(pieces);
  }
  return args;
}

/**
 * .NET's splitting of a process argument string on Unix: spaces and tabs separate, double quotes group
 * (a doubled quote inside quotes is a literal one), backslashes escape only a following double quote.
 * Single quotes are ordinary characters.
 */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === " " || text[i] === "\t") i++;
    if (i >= text.length) return args;
    let arg = "";
    let quoted = false;
    while (i < text.length) {
      let backslashes = 0;
      while (text[i] === "\\") {
        backslashes++;
        i++;
      }
      if (backslashes > 0) {
        if (text[i] !== '"') {
          arg += "\\".repeat(backslashes);
        } else {
          arg += "\\".repeat(Math.floor(backslashes / 2));
          if (backslashes % 2 === 1) {
            arg += '"';
            i++;
          }
        }
        continue;
      }
      const c = text[i] as string;
      if (c === '"') {
        if (quoted && text[i + 1] === '"') {
          arg += '"';
          i++;
        } else {
          quoted = !quoted;
        }
        i++;
        continue;
      }
      if ((c === " " || c === "\t") && !quoted) break;
      arg += c;
      i++;
    }
    args.push(arg);
  }
}

/**
 * The script file's content. GitHub writes `run:` unchanged except for cmd, PowerShell and pwsh, which
 * it wraps so that errors stop the script and the last exit code becomes the step's; on Windows line
 * endings become CRLF.
 */
export function scriptContents(shellCommand: string, run: string, platform: NodeJS.Platform): string {
  const newline = platform === "win32" ? "\r\n" : "\n";
  let contents = run;
  if (shellCommand === "cmd") {
    contents = `@echo off${newline}${run}`;
  } else if (shellCommand === "pwsh" || shellCommand === "powershell") {
    contents = ["$ErrorActionPreference = 'stop'", run, "if ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }"].join(newline);
  }
  return platform === "win32" ? contents.replaceAll("\r\n", "\n").replaceAll("\n", "\r\n") : contents;
}

/** The script's file name in RUNNER_TEMP: a fresh random name with the shell's extension, as GitHub does. */
export function scriptFileName(extension: string): string {
  return `${randomUUID()}${extension}`;
}

/**
 * Looks a program up as the runner does: an absolute path that exists is taken as is; otherwise the
 * first existing file of that name in the PATH directories (empty entries skipped). Like the runner it
 * does not check the execute bit; a symbolic link must lead to an existing file.
 */
export function findExecutable(name: string, pathEnv: string): string | undefined {
  if (name === "") return undefined;
  if (isAbsolute(name)) return isFile(name) ? name : undefined;
  for (const dir of pathEnv.split(pathDelimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
