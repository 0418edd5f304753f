// `tierci cache prune` for the tool cache: versions not used for a while go, and so does
// whatever a crashed install left (a tree without its marker, a staging directory, a lock
// of a dead process). A version another process is installing right now is left alone.
import { lstatSync, readdirSync, statSync } from "node:fs";
import { rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { listDir as list } from "../util/list-dir.js";
import { allInstalls, completeMarker, installDir, isComplete, lockFile, type ToolKey } from "./layout.js";
import { isStale, tryLock, unlock } from "../util/lock-file.js";

export interface PrunedTool extends ToolKey {
  bytes: number;
  /** Last use (the marker's time), or null for an unfinished install. */
  lastUsed: number | null;
}

export interface ToolPruneResult {
  removed: PrunedTool[];
  bytes: number;
}

function treeSize(path: string): number {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of readdirSync(path)) total += treeSize(join(path, name));
  return total;
}

function lastUse(root: string, key: ToolKey): number | null {
  if (!isComplete(root, key)) return null;
  try {
    return statSync(completeMarker(root, key)).mtimeMs;
  } catch {
    return null;
  }
}

export async function pruneToolCache(root: string, opts: { maxIdleMs: number; now?: number }): Promise<ToolPruneResult> {
  const now = opts.now ?? Date.now();
  const removed: PrunedTool[] = [];
  for (const key of allInstalls(root)) {
    const used = lastUse(root, key);
    if (used !== null && now - used <= opts.maxIdleMs) continue;
    const lock = lockFile(root, key);
    if (!tryLock(lock)) continue;
    try {
      const bytes = treeSize(installDir(root, key));
      // The marker goes first: from then on no reader takes the version as installed.
      await rm(completeMarker(root, key), { force: true });
      await rm(installDir(root, key), { recursive: true, force: true });
      removed.push({ ...key, bytes, lastUsed: used });
      await rmdir(join(root, key.tool, key.version)).catch(() => undefined);
    } finally {
      unlock(lock);
    }
  }
  for (const name of list(join(root, ".staging"))) {
    const lock = join(root, ".locks", `${name}.lock`);
    if (!tryLock(lock)) continue;
    try {
      await rm(join(root, ".staging", name), { recursive: true, force: true });
    } finally {
      unlock(lock);
    }
  }
  for (const name of list(join(root, ".locks"))) {
    const path = join(root, ".locks", name);
    if (name.endsWith(".lock") && isStale(path)) await rm(path, { force: true });
  }
  return { removed, bytes: removed.reduce((n, r) => n + r.bytes, 0) };
}
