// `tierci runs` and `tierci logs RUN [JOB]`: what the store recorded.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defaultStorePath, openStore, StoreError, type RunStore } from "../../store/index.js";
import { UsageError } from "../key-values.js";
import { style, writeJson, type Out } from "../output.js";
import { mark } from "../progress.js";

export interface StoreOptions {
  repo: string;
  db?: string;
  json?: string;
}

export function withStore<T>(opts: StoreOptions, fn: (store: RunStore, root: string) => T): T {
  const root = resolve(opts.repo);
  const path = opts.db ?? defaultStorePath(root);
  if (!existsSync(path)) throw new UsageError(`no runs recorded for ${root} yet (no ${path}); start one with \`tierci run\``);
  const store = openStore(path);
  try {
    return fn(store, root);
  } catch (err) {
    if (err instanceof StoreError) throw new UsageError(err.message);
    throw err;
  } finally {
    store.close();
  }
}

const time = (ms: number | null): string => (ms === null ? "-" : new Date(ms).toISOString().replace("T", " ").slice(0, 19));

export function runsCommand(out: Out, opts: StoreOptions & { limit: string }): number {
  return withStore(opts, (store, root) => {
    const runs = store.listRuns({ limit: Number(opts.limit) || 20, repoRoot: root });
    if (opts.json !== undefined) writeJson(opts.json, { runs: runs.map((r) => ({ ...r, summary: undefined })) });
    if (opts.json === "-") return 0;
    for (const r of runs) {
      const dur = r.finishedAt ? `${((r.finishedAt - r.startedAt) / 1000).toFixed(1)}s` : "running";
      out.log(`${mark(r.conclusion ?? "running")} #${String(r.number).padEnd(4)} ${time(r.startedAt)}  ${r.event.padEnd(18)} ${r.ref.padEnd(24)} ${r.sha.slice(0, 10)}  ${r.conclusion ?? r.status}  ${style.dim(dur)}${r.note ? style.dim(`  (${r.note})`) : ""}`);
    }
    if (runs.length === 0) out.log("no runs yet");
    return 0;
  });
}

export function logsCommand(out: Out, run: string, job: string | undefined, opts: StoreOptions): number {
  return withStore(opts, (store, root) => {
    const record = store.getRun(run, root);
    if (!record) throw new UsageError(`no run '${run}'; see \`tierci runs\``);
    let jobs = store.jobsOf(record.id);
    if (job !== undefined) {
      const wanted = job.toLowerCase();
      jobs = jobs.filter((j) => j.jobId.toLowerCase() === wanted || j.name.toLowerCase() === wanted);
      if (jobs.length === 0) throw new UsageError(`run #${record.number} has no job '${job}'; its jobs: ${store.jobsOf(record.id).map((j) => j.name).join(", ")}`);
    }
    const result = jobs.map((j) => ({ job: j, steps: store.stepsOf(j.id), lines: store.logsOf(j.id) }));
    if (opts.json !== undefined) writeJson(opts.json, { run: { ...record, summary: undefined }, jobs: result });
    if (opts.json === "-") return 0;
    for (const { job: j, steps, lines } of result) {
      out.log(style.bold(`${mark(j.conclusion ?? "running")} ${j.workflow} / ${j.name} (${j.conclusion ?? j.status})`));
      const names = new Map(steps.map((s) => [s.index, s]));
      let current: number | null | undefined;
      for (const l of lines) {
        if (l.stepIndex !== current) {
          current = l.stepIndex;
          const s = current === null ? undefined : names.get(current);
          out.log(s ? `  ${mark(s.conclusion ?? "running")} ${s.name}` : "  (job)");
        }
        out.log(`    ${style.dim(time(l.ts).slice(11))} ${l.text}`);
      }
    }
    return 0;
  });
}
