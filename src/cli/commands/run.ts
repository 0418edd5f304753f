// `tierci run`: the pipeline on this host, with its progress on the terminal and a short
// account at the end (tiers, failing jobs and their errors, how to see the logs).
import { runPipeline, type PipelineRequest } from "../../pipeline/index.js";
import { parseSize } from "../../actions/cache/limits.js";
import { formatDuration } from "../../workflow/duration.js";
import { describeJobs, groupAnnotations } from "../../reports/annotation-groups.js";
import { UsageError } from "../key-values.js";
import { style, writeJson, type Out } from "../output.js";
import { eventRequest, orRefuse, stageSinks, type EventOptions } from "../prepare.js";
import { mark, PlainProgress, TreeProgress, type Progress } from "../progress.js";
import { hideSecretSources, readSecrets } from "../secret-input.js";

export interface RunOptions extends EventOptions {
  json?: string;
  job?: string;
  tier?: string;
  /** The pre-push hook's selection; no option sets it. */
  firstTier?: boolean;
  secret: string[];
  secretFile?: string;
  env: Record<string, string>;
  jobs?: string;
  gate: boolean;
  enforceBudgets: boolean;
  reuseWorkspace: boolean;
  /** `--reuse` (true), `--no-reuse` (false), or neither: as tiers.yml says. */
  reuse?: boolean;
  keepWorkspace: boolean;
  actionDir: string[];
  offline: boolean;
  db?: string;
  stateDir?: string;
  logCap?: string;
  debug: boolean;
}

function logCap(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  let bytes: number;
  try {
    bytes = parseSize(value);
  } catch (err) {
    throw new UsageError(`--log-cap: ${(err as Error).message}`);
  }
  if (bytes < 1) throw new UsageError(`--log-cap must be at least one byte, got '${value}'`);
  return bytes;
}

function maxJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs must be a whole number of at least 1, got '${value}'`);
  return n;
}

export function pipelineRequest(opts: RunOptions, secrets: Record<string, string>, signal?: AbortSignal): PipelineRequest {
  const jobs = maxJobs(opts.jobs);
  const cap = logCap(opts.logCap);
  return {
    ...eventRequest(opts),
    ...(opts.job !== undefined ? { job: opts.job } : {}),
    ...(opts.tier !== undefined ? { tier: opts.tier } : {}),
    ...(opts.firstTier ? { firstTier: true } : {}),
    secrets,
    env: opts.env,
    ...(jobs !== undefined ? { maxJobs: jobs } : {}),
    gate: opts.gate,
    enforceBudgets: opts.enforceBudgets,
    reuseWorkspace: opts.reuseWorkspace,
    reuse: opts.reuse === true ? "all" : opts.reuse === false ? "none" : "policy",
    keepWorkspace: opts.keepWorkspace,
    actionDirs: opts.actionDir,
    offline: opts.offline,
    debug: opts.debug,
    ...(opts.stateDir !== undefined ? { stateDir: opts.stateDir } : {}),
    ...(opts.db !== undefined ? { db: opts.db } : {}),
    ...(cap !== undefined ? { logBytesPerJob: cap } : {}),
    ...(signal ? { signal } : {}),
  };
}

/** Ctrl-C, SIGTERM and SIGHUP cancel the run as GitHub cancels one; a second signal stops at once. */
function cancelOnSignals(out: Out): { signal: AbortSignal; release(): void } {
  const cancel = new AbortController();
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  let received = 0;
  const onSignal = (name: NodeJS.Signals): void => {
    received++;
    if (received === 1) {
      out.err(style.yellow(`cancelling the run on ${name} (send it again to stop at once)`));
      cancel.abort();
    } else process.exit(130);
  };
  for (const s of signals) process.on(s, onSignal);
  return { signal: cancel.signal, release: () => signals.forEach((s) => process.off(s, onSignal)) };
}

export async function runCommand(out: Out, opts: RunOptions): Promise<number> {
  const interrupt = cancelOnSignals(out);
  // Made when the first job is scheduled, so nothing is drawn while loading and planning.
  let shown: Progress | undefined;
  const progress = (): Progress =>
    (shown ??=
      process.stdout.isTTY && opts.json !== "-"
        ? new TreeProgress(process.stdout)
        : new PlainProgress(opts.json === "-" ? { log: out.err, err: out.err } : out));
  let result;
  try {
    const input = readSecrets(opts.secret, opts.secretFile, process.env);
    hideSecretSources(input, "tierci run");
    if (input.onCommandLine)
      out.err(
        style.yellow(
          "warning: --secret NAME=VALUE shows the value to every process of this user until tierci hides it; prefer --secret NAME (from the environment) or --secret-file",
        ),
      );
    const req = pipelineRequest(opts, input.secrets, interrupt.signal);
    result = await orRefuse(out, () =>
      runPipeline(req, {
        ...stageSinks(out),
        note: (text) => out.err(style.dim(`note: ${text}`)),
        event: (e) => progress().event(e),
        job: (ref, workflowName) => progress().jobSink(ref, workflowName),
      }),
    );
  } finally {
    interrupt.release();
    shown?.close();
  }
  if (result.kind === "nothing-fired") {
    out.err(`no workflow fires for '${opts.event}'; see \`tierci plan --event ${opts.event}\` for why`);
    return 0;
  }
  const { outcome, summary } = result;
  if (opts.json !== undefined) writeJson(opts.json, summary);
  const say = opts.json === "-" ? out.err : out.log;
  say("");
  for (const t of outcome.tiers) {
    const budget = t.budgetMs ? ` / budget ${formatDuration(t.budgetMs)}` : "";
    say(`${mark(t.status)} tier ${t.name}: ${t.status} ${style.dim(`${formatDuration(t.durationMs)}${budget}`)}${t.reason ? style.dim(` (${t.reason})`) : ""}`);
  }
  for (const j of summary.jobs.filter((x) => x.conclusion === "failure")) {
    const failed = j.steps.find((s) => s.outcome === "failure");
    say(style.red(`✗ ${j.workflow} / ${j.name}${failed ? `: step '${failed.name}' failed` : ""}`));
  }
  for (const a of groupAnnotations(summary.jobs).filter((x) => x.level === "error" || x.level === "warning")) {
    const level = a.level === "error" ? style.red("error") : style.yellow("warning");
    say(`  ${level} ${a.file ? `${a.file}${a.line ? `:${a.line}` : ""}: ` : ""}${a.message} ${style.dim(`(${describeJobs(a.jobs)})`)}`);
  }
  say(
    `${mark(outcome.conclusion)} run #${result.runNumber} ${outcome.conclusion}; logs: tierci logs ${result.runNumber}${opts.repo !== "." ? ` --repo ${opts.repo}` : ""}`,
  );
  return outcome.conclusion === "success" ? 0 : 1;
}
