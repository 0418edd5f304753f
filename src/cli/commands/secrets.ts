import { applyBaseline, BaselineError, readBaseline } from "../../gates/secrets/baseline.js";
import { loadRuleset } from "../../gates/secrets/config.js";
import { DEFAULT_REVEAL } from "../../gates/secrets/redact.js";
import { SecretsConfigError } from "../../gates/secrets/rules.js";
import { ScanInputError, scanSecrets, type ScanMode, type ScanStats } from "../../gates/secrets/scan.js";
import { workTreeRoot } from "../../gates/secrets/sources.js";
import { gateExitCode, type Finding } from "../../gates/finding.js";
import { formatFinding, writeGateOutputs } from "../../gates/output.js";
import { UsageError } from "../key-values.js";
import { style, type Out } from "../output.js";

export interface SecretsScanOptions {
  repo: string;
  history?: boolean;
  staged?: boolean;
  range?: string;
  config?: string;
  baseline?: string;
  writeBaseline?: string;
  json?: string;
  sarif?: string;
  redact?: string;
}

function modeOf(path: string | undefined, opts: SecretsScanOptions): ScanMode {
  const history = opts.history === true || opts.range !== undefined;
  const chosen = [history && "--history", opts.staged && "--staged", path !== undefined && "PATH"].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`choose one of --history, --staged or PATH (got ${chosen.join(" and ")})`);
  return history ? "history" : opts.staged ? "staged" : "working-tree";
}

function revealOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_REVEAL;
  if (!/^\d+$/.test(value)) throw new UsageError(`--redact takes a number of characters to show at each end, got '${value}'`);
  return Number(value);
}

function summary(stats: ScanStats, shown: number, suppressed: number, source: string): string {
  const mb = (stats.bytes / (1024 * 1024)).toFixed(1);
  const what =
    stats.mode === "history"
      ? `${stats.commits} commit(s), ${stats.files} file change(s), ${mb} MB of added lines`
      : stats.mode === "staged"
        ? `${stats.files} staged file(s), ${mb} MB of added lines`
        : `${stats.files} file(s), ${mb} MB`;
  const skipped = stats.skipped.binary + stats.skipped.large;
  const notes = [
    skipped > 0 ? `skipped ${stats.skipped.binary} binary and ${stats.skipped.large} over 2 MB` : "",
    suppressed > 0 ? `${suppressed} known finding(s) accepted by the baseline` : "",
  ].filter(Boolean);
  const found = shown === 0 ? style.green("no secrets found") : style.red(`${shown} secret(s) found`);
  return `${found}: scanned ${what} in ${(stats.durationMs / 1000).toFixed(1)}s with ${source}${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`;
}

function line(f: Finding): string {
  const commit = f.properties?.["commit"];
  return `${typeof commit === "string" ? `${commit.slice(0, 12)} ` : ""}${formatFinding({ ...f, hint: undefined })}`;
}

export async function secretsScanCommand(out: Out, path: string | undefined, opts: SecretsScanOptions): Promise<number> {
  const mode = modeOf(path, opts);
  const reveal = revealOf(opts.redact);
  try {
    const { ruleset, source } = loadRuleset(opts.config, workTreeRoot(opts.repo) ?? opts.repo);
    const known = opts.baseline !== undefined ? readBaseline(opts.baseline) : undefined;
    const { report: full, stats } = await scanSecrets({
      dir: opts.repo,
      mode,
      ruleset,
      reveal,
      ...(path !== undefined ? { path } : {}),
      ...(opts.range !== undefined ? { revisions: [opts.range] } : {}),
    });
    if (opts.writeBaseline !== undefined) writeGateOutputs(full, { json: opts.writeBaseline });
    const { report, suppressed } = known ? applyBaseline(full, known) : { report: full, suppressed: 0 };
    writeGateOutputs(report, { json: opts.json, sarif: opts.sarif });
    // With JSON or SARIF on standard output, the readable list goes to standard error.
    const say = (text: string): void => (opts.json === "-" || opts.sarif === "-" ? out.err(text) : out.log(text));
    for (const w of stats.warnings) out.err(`warning: ${w}`);
    for (const f of report.findings) say(line(f));
    if (report.findings.length > 0) say(`hint: ${report.findings[0]?.hint ?? ""}`);
    say(summary(stats, report.findings.length, suppressed, source));
    return gateExitCode(report);
  } catch (err) {
    if (err instanceof SecretsConfigError || err instanceof BaselineError || err instanceof ScanInputError) throw new UsageError(err.message);
    throw err;
  }
}
