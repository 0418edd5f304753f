// What the setup actions share: reading inputs as @actions/core does, running a tool of
// the machine, finding executables, and the OS facts that go into their cache keys.
import { isInside } from "../../util/path-inside.js";
import { execFile } from "node:child_process";
import { accessSync, constants, readFileSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { listDir } from "../../util/list-dir.js";
import { BuiltinFailure, type BuiltinRun } from "../builtin-types.js";
import { saveCache } from "../cache/index.js";

/** core.getBooleanInput: only the YAML 1.2 core schema spellings. */
export function booleanInput(run: BuiltinRun, name: string): boolean {
  const value = (run.inputs[name] ?? "").trim();
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  throw new BuiltinFailure(
    `Input does not meet YAML 1.2 "Core Schema" specification: ${name}\nSupport boolean input list: \`true | True | TRUE | false | False | FALSE\``,
  );
}

/** core.getMultilineInput: one value a line, blank lines dropped. */
export function multilineInput(run: BuiltinRun, name: string): string[] {
  return (run.inputs[name] ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Runs a program to completion; a program that cannot start gives code -1 and the reason in stderr. */
export function execTool(file: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: opts.env ?? process.env, cwd: opts.cwd, signal: opts.signal, timeout: opts.timeoutMs ?? 0, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr: stderr || (code === -1 && error ? error.message : "") });
      },
    );
  });
}

/** Runs a program and logs its output lines; fails the step when it exits non-zero. */
export async function execLogged(run: BuiltinRun, file: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  run.log(`[command]${file} ${args.join(" ")}`);
  const result = await execTool(file, args, { signal: run.signal, ...opts });
  for (const line of `${result.stdout}${result.stderr}`.split("\n")) if (line.trim() !== "") run.log(line);
  if (result.code !== 0) throw new BuiltinFailure(`${file} ${args.join(" ")} failed with exit code ${result.code}`);
  return result;
}

export function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findExecutable(name: string, pathValue: string): string | undefined {
  for (const dir of pathValue.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface InstallCandidate {
  path: string;
  source: string;
}

/** Each entry of `dir` (those `keep` accepts) as a candidate installation found by `source`. */
export function entriesOf(dir: string, source: string, keep: (name: string) => boolean = () => true): InstallCandidate[] {
  return listDir(dir)
    .filter(keep)
    .map((name) => ({ path: join(dir, name), source }));
}

/** The installation a command on PATH belongs to: the directory above the bin/ its real file lies in. */
export function homeOnPath(command: string, pathValue: string): InstallCandidate[] {
  const found = findExecutable(command, pathValue);
  if (!found) return [];
  try {
    return [{ path: dirname(dirname(realpathSync(found))), source: "PATH" }];
  } catch {
    return [];
  }
}

/**
 * The home of the user running tierci. A job's HOME is a private directory, but the tools
 * installed on the machine (pyenv, nvm, uv's Pythons) live under the real one.
 */
/**
 * Candidates in priority order, each installation once: the first path that resolves to it
 * wins, and paths that resolve to nothing (dangling links) are dropped.
 */
export function uniqueInstalls<T extends { path: string }>(candidates: T[]): T[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    let real: string;
    try {
      real = realpathSync(c.path);
    } catch {
      return false;
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

export function machineHome(): string {
  return process.env["HOME"] || homedir();
}

let osInfo: Promise<{ name: string; version: string } | undefined> | undefined;

/** The distribution's name and version as the setup actions read them: lsb_release, else /etc/os-release. */
export function linuxOsInfo(): Promise<{ name: string; version: string } | undefined> {
  osInfo ??= (async () => {
    if (process.platform !== "linux") return undefined;
    const lsb = await execTool("lsb_release", ["-i", "-r", "-s"]);
    if (lsb.code === 0) {
      const [name = "", version = ""] = lsb.stdout.trim().split("\n");
      return { name: name.trim(), version: version.trim() };
    }
    try {
      const fields: Record<string, string> = {};
      for (const line of readFileSync("/etc/os-release", "utf8").split("\n")) {
        const [key, value] = line.split("=");
        if (key && value) fields[key.trim()] = value.trim().replace(/"/g, "");
      }
      return { name: fields["ID"] || "Linux", version: fields["VERSION_ID"] || "" };
    } catch {
      return undefined;
    }
  })();
  return osInfo;
}

function inside(dir: string, path: string): string | undefined {
  return isInside(dir, path) ? relative(dir, path) : undefined;
}

/**
 * A directory as the cache store takes it: under the job's HOME as `~/...`, under the
 * workspace as a relative path. Every job has its own HOME and workspace, so only such a
 * spelling names the same cache (and restores to the right place) in the next run.
 */
export function cachePathSpec(run: Pick<BuiltinRun, "env" | "workspace">, path: string): string {
  const home = run.env["HOME"];
  const underHome = home ? inside(home, path) : undefined;
  if (underHome !== undefined) return underHome === "" ? "~" : `~/${underHome}`;
  const underWorkspace = inside(run.workspace, path);
  if (underWorkspace !== undefined) return underWorkspace === "" ? "." : underWorkspace;
  return path;
}

/** A setup action's post step for its dependency cache: nothing after an exact hit, else the paths are saved under the key. */
export async function saveDependencyCache(run: BuiltinRun, key: string, matched: string | undefined, paths: string[]): Promise<void> {
  if (key === matched) {
    run.log(`Cache hit occurred on the primary key ${key}, not saving cache.`);
    return;
  }
  const saved = await saveCache(run, { key, paths });
  if (saved.saved) run.log(`Cache saved with the key: ${key}`);
}

/** The directory a cachePathSpec stands for in this job. */
export function cachePathOf(run: Pick<BuiltinRun, "env" | "workspace">, spec: string): string {
  if (spec === "~" || spec.startsWith("~/")) return join(run.env["HOME"] ?? machineHome(), spec.slice(1));
  return resolve(run.workspace, spec);
}
