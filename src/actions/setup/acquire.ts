// What the setup actions share when a version is not on the machine: the tool cache they
// install into, and failures that say exactly what would get the version, whether the run
// is --offline, the network is unreachable, or a download was refused.
import { join } from "node:path";
import { UnreachableError, redactUrl } from "../../toolcache/http.js";
import { toolCacheRoot } from "../../toolcache/layout.js";
import { BuiltinFailure, type BuiltinRun } from "../builtin-types.js";

/** The shared tool cache the runner names in RUNNER_TOOL_CACHE. */
export function toolCacheOf(run: Pick<BuiltinRun, "env">): string {
  return run.env["RUNNER_TOOL_CACHE"] || toolCacheRoot();
}

/**
 * A directory of this job alone, for what a setup action makes per job (links, a virtual
 * environment): the tool cache is shared, so nothing job-specific may go there.
 */
export function jobToolDir(run: Pick<BuiltinRun, "env">, name: string): string {
  const temp = run.env["RUNNER_TEMP"];
  if (!temp) throw new BuiltinFailure("RUNNER_TEMP is not set, so there is no place for the job's own tool directory");
  return join(temp, "tierci-tools", name);
}

export interface Missing {
  /** "Node.js 18", "Python 3.13 (x64)". */
  what: string;
  /** What this machine has instead, e.g. "installed: 20.11.1". */
  installed: string;
  /** The URL a download starts from. */
  url: string;
  /** A command that installs the version by hand. */
  installHint: string;
}

/** The version is not here and may not be downloaded (--offline), or the download site cannot be reached. */
export function cannotDownload(run: Pick<BuiltinRun, "offline">, missing: Missing, err?: unknown): BuiltinFailure {
  const m = { ...missing, url: redactUrl(missing.url) };
  const head = `${m.what} is not installed on this machine (${m.installed})`;
  const manual = `or install it yourself (${m.installHint})`;
  if (run.offline) return new BuiltinFailure(`${head}, and --offline forbids downloading it. Run without --offline to download it from ${m.url}, ${manual}`);
  const reason =
    err instanceof UnreachableError ? `${err.url} could not be reached (${err.reason})` : `the download site could not be read (${(err as Error)?.message})`;
  return new BuiltinFailure(`${head}, and ${reason}. With network access tierci downloads it from ${m.url}; ${manual}`);
}

/**
 * A release index read for a version that is not installed, or, offline or with the site out
 * of reach, the installed version that fits (`here`, logged as `describe` gives it); with
 * neither, the step fails naming what would get the version. An index that answers but
 * cannot be read fails the step as `what` could not be read.
 */
export async function indexOrInstalled<T, I>(
  run: BuiltinRun,
  what: string,
  read: () => Promise<T>,
  here: I | undefined,
  describe: (installed: I) => string,
  missing: Missing,
): Promise<{ index: T } | { installed: I }> {
  const fallback = (err?: unknown): { installed: I } => {
    if (here === undefined) throw cannotDownload(run, missing, err);
    run.log(`${run.offline ? "Offline" : "No release index could be reached"}: using the installed ${describe(here)}`);
    return { installed: here };
  };
  if (run.offline) return fallback();
  try {
    return { index: await read() };
  } catch (err) {
    if (err instanceof UnreachableError) return fallback(err);
    if (err instanceof BuiltinFailure || run.signal.aborted) throw err;
    throw new BuiltinFailure(`${what} could not be read: ${(err as Error).message}`);
  }
}

/**
 * Runs an install; whatever goes wrong in it (a refused checksum, a broken download, an
 * archive that is not what the index said) fails the step naming the version and the cause.
 */
export async function installing<T>(run: Pick<BuiltinRun, "signal">, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BuiltinFailure || run.signal.aborted) throw err;
    throw new BuiltinFailure(`${what} could not be installed: ${(err as Error).message}`);
  }
}
