// `tierci logs RUN [JOB]`: a run's logs as recorded, streamed row by row from the database to
// the output, so that a log of any size prints in constant memory (as text and as --json).
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { JobRecord, LogLine, RunStore, StepRecord } from "../../store/index.js";
import { UsageError } from "../key-values.js";
import { style, type Out } from "../output.js";
import { mark } from "../progress.js";
import { time, withStoreAsync, type StoreOptions } from "./runs.js";

/** The jobs asked for: all of the run's, or those whose id or name is `job`. */
function selectJobs(store: RunStore, runId: string, runNumber: number, job: string | undefined): JobRecord[] {
  const jobs = store.jobsOf(runId);
  if (job === undefined) return jobs;
  const wanted = job.toLowerCase();
  const picked = jobs.filter((j) => j.jobId.toLowerCase() === wanted || j.name.toLowerCase() === wanted);
  if (picked.length === 0) throw new UsageError(`run #${runNumber} has no job '${job}'; its jobs: ${jobs.map((j) => j.name).join(", ")}`);
  return picked;
}

/** Waits while a stream holds more than its buffer, so a reader slower than the database keeps memory flat. */
async function drained(stream: NodeJS.WritableStream & { writableNeedDrain?: boolean }): Promise<void> {
  if (stream.writableNeedDrain === true) await once(stream, "drain");
}

async function printJob(out: Out, job: JobRecord, steps: StepRecord[], lines: Iterable<LogLine>): Promise<void> {
  out.log(style.bold(`${mark(job.conclusion ?? "running")} ${job.workflow} / ${job.name} (${job.conclusion ?? job.status})`));
  const names = new Map(steps.map((s) => [s.index, s]));
  let current: number | null | undefined;
  for (const l of lines) {
    if (l.stepIndex !== current) {
      current = l.stepIndex;
      const s = current === null ? undefined : names.get(current);
      out.log(s ? `  ${mark(s.conclusion ?? "running")} ${s.name}` : "  (job)");
    }
    out.log(`    ${style.dim(time(l.ts).slice(11))} ${l.text}`);
    await drained(process.stdout);
  }
}

/** The same document as `{ run, jobs: [{ job, steps, lines }] }` in one JSON.stringify, a line at a time. */
async function writeJobsJson(target: string, store: RunStore, run: unknown, jobs: JobRecord[]): Promise<void> {
  const sink = target === "-" ? process.stdout : createWriteStream(target);
  const write = async (text: string): Promise<void> => {
    if (!sink.write(text)) await drained(sink);
  };
  await write(`{\n  "run": ${JSON.stringify(run)},\n  "jobs": [`);
  for (const [i, job] of jobs.entries()) {
    await write(`${i === 0 ? "" : ","}\n    { "job": ${JSON.stringify(job)}, "steps": ${JSON.stringify(store.stepsOf(job.id))}, "lines": [`);
    let first = true;
    for (const line of store.iterateLogs(job.id)) {
      await write(`${first ? "" : ","}\n      ${JSON.stringify(line)}`);
      first = false;
    }
    await write(`${first ? "" : "\n    "}] }`);
  }
  await write(`${jobs.length === 0 ? "" : "\n  "}]\n}\n`);
  if (sink !== process.stdout) await new Promise<void>((resolve, reject) => sink.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export async function logsCommand(out: Out, run: string, job: string | undefined, opts: StoreOptions): Promise<number> {
  return withStoreAsync(opts, async (store, root) => {
    const record = store.getRun(run, root);
    if (!record) throw new UsageError(`no run '${run}'; see \`tierci runs\``);
    const jobs = selectJobs(store, record.id, record.number, job);
    if (opts.json !== undefined) await writeJobsJson(opts.json, store, { ...record, summary: undefined }, jobs);
    if (opts.json === "-") return 0;
    for (const j of jobs) await printJob(out, j, store.stepsOf(j.id), store.iterateLogs(j.id));
    return 0;
  });
}
