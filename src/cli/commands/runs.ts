// `tierci runs`: what the store recorded, and the store's opening for the commands that read it.
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { defaultStorePath, openStore, StoreError, type RunRecord, type RunStore } from "../../store/index.js";
import { UsageError } from "../key-values.js";
import { style, writeJson, type Out } from "../output.js";
import { mark } from "../progress.js";

export interface StoreOptions {
  repo: string;
  db?: string;
  json?: string;
}

function openRecorded(opts: StoreOptions): { store: RunStore; root: string } {
  const root = resolve(opts.repo);
  const path = opts.db ?? defaultStorePath(root);
  if (!existsSync(path)) throw new UsageError(`no runs recorded for ${root} yet (no ${path}); start one with \`tierci run\``);
  try {
    return { store: openStore(path), root };
  } catch (err) {
    // A database from a newer tierci is the user's to resolve, not a bug.
    throw usageError(err);
  }
}

function usageError(err: unknown): unknown {
  return err instanceof StoreError ? new UsageError(err.message) : err;
}

export function withStore<T>(opts: StoreOptions, fn: (store: RunStore, root: string) => T): T {
  const { store, root } = openRecorded(opts);
  try {
    return fn(store, root);
  } catch (err) {
    throw usageError(err);
  } finally {
    store.close();
  }
}

/** withStore for a command that writes as it reads, waiting for its output to drain. */
export async function withStoreAsync<T>(opts: StoreOptions, fn: (store: RunStore, root: string) => Promise<T>): Promise<T> {
  const { store, root } = openRecorded(opts);
  try {
    return await fn(store, root);
  } catch (err) {
    throw usageError(err);
  } finally {
    store.close();
  }
}

export const time = (ms: number | null): string => (ms === null ? "-" : new Date(ms).toISOString().replace("T", " ").slice(0, 19));

/**
 * Why a run ended as it did, or, for a run another host has in progress, that nothing here can
 * tell whether it still runs (its process is not on this machine, so it is never closed from here).
 */
function noteOf(run: RunRecord, host: string): string {
  if (run.status !== "completed" && run.host !== host) return style.dim(`  (in progress on ${run.host}: whether it still runs can only be seen there)`);
  return run.note ? style.dim(`  (${run.note})`) : "";
}

export function runsCommand(out: Out, opts: StoreOptions & { limit: string }): number {
  return withStore(opts, (store, root) => {
    const runs = store.listRuns({ limit: Number(opts.limit) || 20, repoRoot: root });
    const host = hostname();
    if (opts.json !== undefined) writeJson(opts.json, { runs: runs.map((r) => ({ ...r, summary: undefined })) });
    if (opts.json === "-") return 0;
    for (const r of runs) {
      const dur = r.finishedAt ? `${((r.finishedAt - r.startedAt) / 1000).toFixed(1)}s` : "running";
      out.log(
        `${mark(r.conclusion ?? "running")} #${String(r.number).padEnd(4)} ${time(r.startedAt)}  ${r.event.padEnd(18)} ${r.ref.padEnd(24)} ${r.sha.slice(0, 10)}  ${r.conclusion ?? r.status}  ${style.dim(dur)}${noteOf(r, host)}`,
      );
    }
    if (runs.length === 0) out.log("no runs yet");
    return 0;
  });
}
