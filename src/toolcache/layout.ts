// Where tools live: one cache shared by every run of every repository, laid out as GitHub's
// $RUNNER_TOOL_CACHE is (`<tool>/<version>/<arch>`, finished when `<arch>.complete` exists),
// so actions and scripts that look there find what tierci installed.
import { existsSync, utimesSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { listDir as list } from "../util/list-dir.js";

/** TIERCI_TOOL_CACHE, else tierci/tools under the user's cache directory (XDG_CACHE_HOME or ~/.cache). */
export function toolCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env["TIERCI_TOOL_CACHE"];
  if (chosen) return resolve(chosen);
  const cacheHome = env["XDG_CACHE_HOME"] || join(env["HOME"] || homedir(), ".cache");
  return join(cacheHome, "tierci", "tools");
}

export interface ToolKey {
  tool: string;
  version: string;
  arch: string;
}

export function installDir(root: string, key: ToolKey): string {
  return join(root, key.tool, key.version, key.arch);
}

export function completeMarker(root: string, key: ToolKey): string {
  return `${installDir(root, key)}.complete`;
}

/** Locks and staging directories live beside the tools, on the same file system, so a finished tree is renamed into place. */
export function lockFile(root: string, key: ToolKey): string {
  return join(root, ".locks", `${lockName(key)}.lock`);
}

export function stagingDir(root: string, key: ToolKey): string {
  return join(root, ".staging", lockName(key));
}

function lockName(key: ToolKey): string {
  return `${key.tool}-${key.version}-${key.arch}`.replace(/[^A-Za-z0-9._+-]/g, "_");
}

export function isComplete(root: string, key: ToolKey): boolean {
  return existsSync(completeMarker(root, key)) && existsSync(installDir(root, key));
}

/** The marker's time is the version's last use, which `tierci cache prune` reads. */
export function markUsed(root: string, key: ToolKey): void {
  const now = new Date();
  try {
    utimesSync(completeMarker(root, key), now, now);
  } catch {
    // A cache on a read-only mount is still usable; it is only never pruned by age.
  }
}

/** The finished versions of a tool for one architecture, in no particular order. */
export function cachedVersions(root: string, tool: string, arch: string): string[] {
  return list(join(root, tool)).filter((version) => isComplete(root, { tool, version, arch }));
}

/** Every finished or unfinished install under the root: tool, version and architecture directories. */
export function allInstalls(root: string): ToolKey[] {
  const keys: ToolKey[] = [];
  for (const tool of list(root)) {
    if (tool.startsWith(".")) continue;
    for (const version of list(join(root, tool))) {
      const archs = new Set(list(join(root, tool, version)).map((n) => n.replace(/\.complete$/, "")));
      for (const arch of archs) keys.push({ tool, version, arch });
    }
  }
  return keys;
}
