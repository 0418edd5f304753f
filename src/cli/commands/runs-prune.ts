// `tierci runs prune`: deletes old runs, with their logs, test results, coverage and artifacts,
// so that the state directory does not grow without bound.
import { join, resolve } from "node:path";
import { removeRunArtifacts } from "../../actions/artifacts/store.js";
import type { RunRecord } from "../../store/index.js";
import { formatSize } from "../../util/format-size.js";
import { parseDuration } from "../../workflow/duration.js";
import { UsageError } from "../key-values.js";
import { writeJson, type Out } from "../output.js";
import { time, withStoreAsync, type StoreOptions } from "./runs.js";

export interface PruneCommandOptions extends StoreOptions {
  stateDir?: string;
  keep?: string;
  olderThan?: string;
  dryRun?: boolean;
  all?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `30d`, `2w`, or anything parseDuration reads (`12h`, `90m`). */
function parseAge(text: string): number {
  const days = /^\s*(\d+)\s*(d|w)\s*$/i.exec(text);
  const ms = days ? Number(days[1]) * DAY_MS * ((days[2] ?? "").toLowerCase() === "w" ? 7 : 1) : parseDuration(text);
  if (ms === undefined) throw new UsageError(`--older-than: '${text}' is not an age; write it like 30d, 2w or 12h`);
  return ms;
}

function parseKeep(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n)) throw new UsageError(`--keep: '${text}' is not a number of runs; write it like 20`);
  return n;
}

export async function runsPruneCommand(out: Out, opts: PruneCommandOptions): Promise<number> {
  if (opts.keep === undefined && opts.olderThan === undefined) {
    throw new UsageError("say which runs to remove: --keep N (keep the newest N), --older-than AGE (e.g. 30d), or both");
  }
  const keep = opts.keep === undefined ? undefined : parseKeep(opts.keep);
  const startedBefore = opts.olderThan === undefined ? undefined : Date.now() - parseAge(opts.olderThan);
  const stateDir = resolve(opts.stateDir ?? join(resolve(opts.repo), ".tierci"));
  const dryRun = opts.dryRun === true;
  return withStoreAsync(opts, async (store, root) => {
    const runs = store.prune({
      ...(opts.all === true ? {} : { repoRoot: root }),
      ...(keep !== undefined ? { keep } : {}),
      ...(startedBefore !== undefined ? { startedBefore } : {}),
      dryRun,
    });
    const removed: { run: RunRecord; artifacts: number; bytes: number }[] = [];
    for (const run of runs) {
      // The run's rows are gone (or, in a dry run, would be): its artifacts go with them.
      const artifacts = dryRun ? [] : await removeRunArtifacts(stateDir, run.id);
      removed.push({ run, artifacts: artifacts.length, bytes: artifacts.reduce((n, a) => n + a.size, 0) });
    }
    if (opts.json !== undefined)
      writeJson(opts.json, {
        dry_run: dryRun,
        removed: removed.map((r) => ({ id: r.run.id, number: r.run.number, started_at: r.run.startedAt, artifacts: r.artifacts, artifact_bytes: r.bytes })),
      });
    if (opts.json === "-") return 0;
    const verb = dryRun ? "would remove" : "removed";
    for (const { run, artifacts, bytes } of removed) {
      const what = dryRun ? "" : `, ${artifacts} artifact${artifacts === 1 ? "" : "s"} (${formatSize(bytes)})`;
      const where = run.repoRoot === root ? "" : ` in ${run.repoRoot}`;
      out.log(`${verb} run #${run.number}${where} ${run.id} of ${time(run.startedAt)} (${run.conclusion ?? run.status})${what}`);
    }
    out.log(
      removed.length === 0
        ? "no runs to remove"
        : `${verb} ${removed.length} run${removed.length === 1 ? "" : "s"}${dryRun ? " (dry run: nothing was deleted)" : ""}`,
    );
    return 0;
  });
}
