// `tierci deps audit` and `tierci deps db import|status`: the offline dependency audit and
// its OSV database. The commands' options are defined in ../register/gates.ts.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gateExitCode } from "../../gates/finding.js";
import { formatFinding, writeGateOutputs } from "../../gates/output.js";
import { auditDependencies, parseMaxAge } from "../../gates/deps/audit.js";
import { formatNote } from "../../gates/deps/manifest.js";
import { importOsv, OsvDatabase, OsvDatabaseError, type EcosystemStatus } from "../../gates/deps/osv-db.js";
import { ECOSYSTEMS, type Ecosystem } from "../../gates/deps/osv-range.js";
import { UsageError } from "../key-values.js";
import { style, writeJson, type Out } from "../output.js";

interface DbLocation {
  repo: string;
  stateDir?: string;
  db?: string;
}

interface AuditCliOptions extends DbLocation {
  maxAge: string;
  ignore: string[];
  json?: string;
  sarif?: string;
}

const DAY_MS = 86_400_000;

/** `--db DIR` wins; otherwise the database lives with the rest of tierci's state, `<state-dir>/osv`. */
function databaseDir(opts: DbLocation): string {
  if (opts.db !== undefined) return resolve(opts.db);
  return join(resolve(opts.stateDir ?? join(resolve(opts.repo), ".tierci")), "osv");
}

function maxAgeOption(value: string): number {
  const days = parseMaxAge(value);
  if (days === undefined) throw new UsageError(`--max-age must be a number of days above 0, got '${value}'`);
  return days;
}

function withDatabaseErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OsvDatabaseError) throw new UsageError(err.message);
    throw err;
  }
}

const ageDays = (status: EcosystemStatus, now: number): number => (now - status.importedAt) / DAY_MS;

function describeAge(status: EcosystemStatus, now: number): string {
  const days = ageDays(status, now);
  const ago = days < 1 ? `${(days * 24).toFixed(1)} hours` : `${days.toFixed(1)} days`;
  return `imported ${new Date(status.importedAt).toISOString().slice(0, 16).replace("T", " ")} UTC, ${ago} ago`;
}

export function depsAuditCommand(out: Out, opts: AuditCliOptions): number {
  const maxAgeDays = maxAgeOption(opts.maxAge);
  const now = Date.now();
  const result = withDatabaseErrors(() => auditDependencies({ root: resolve(opts.repo), dbDir: databaseDir(opts), maxAgeDays, ignore: opts.ignore, now }));
  writeGateOutputs(result.report, { json: opts.json, sarif: opts.sarif });
  if (opts.json === "-" || opts.sarif === "-") return gateExitCode(result.report);

  for (const note of result.notes) out.log(style.dim(formatNote(note)));
  for (const finding of result.report.findings) out.log(formatFinding(finding));
  const packages = new Set(result.report.findings.map((f) => `${f.properties?.["ecosystem"]}:${f.properties?.["package"]}@${f.properties?.["version"]}`)).size;
  const scope = `${result.packages} pinned package version(s) from ${result.files.length} file(s)`;
  const ages = result.database.map((s) => `${s.ecosystem} advisories ${describeAge(s, now)}`).join("; ");
  const ignored = result.ignored > 0 ? `, ${result.ignored} ignored` : "";
  if (result.files.length === 0) out.log(`no dependency files found in ${resolve(opts.repo)}`);
  else if (result.report.findings.length === 0) out.log(`${style.green("ok")}: no known vulnerabilities in ${scope}${ignored}${ages ? ` (${ages})` : ""}`);
  else
    out.log(
      style.red(
        `${result.report.findings.length} known vulnerabilit${result.report.findings.length === 1 ? "y" : "ies"} in ${packages} of ${scope}${ignored}${ages ? ` (${ages})` : ""}`,
      ),
    );
  return gateExitCode(result.report);
}

export function depsImportCommand(out: Out, paths: string[], opts: DbLocation & { json?: string }): number {
  const dir = databaseDir(opts);
  if (opts.db === undefined) {
    // The default location is inside the repository: keep git from seeing it.
    const stateDir = resolve(dir, "..");
    mkdirSync(stateDir, { recursive: true });
    if (!existsSync(join(stateDir, ".gitignore"))) writeFileSync(join(stateDir, ".gitignore"), "*\n");
  }
  const summary = withDatabaseErrors(() => importOsv(dir, paths));
  if (opts.json !== undefined)
    writeJson(opts.json, { dir, ...summary, ecosystems: summary.ecosystems.map((s) => ({ ...s, importedAt: new Date(s.importedAt).toISOString() })) });
  if (opts.json === "-") return 0;
  for (const s of summary.ecosystems)
    out.log(`${style.green("imported")} ${s.ecosystem}: ${s.advisories} advisories for ${s.packages} packages (from ${s.sources.join(", ")})`);
  const skipped = [
    summary.withdrawn > 0 ? `${summary.withdrawn} withdrawn` : "",
    summary.otherEcosystems > 0 ? `${summary.otherEcosystems} for other ecosystems` : "",
    summary.unreadable > 0 ? `${summary.unreadable} file(s) that are not OSV records (first: ${summary.firstUnreadable})` : "",
  ].filter((s) => s !== "");
  if (skipped.length > 0) out.log(style.dim(`skipped ${skipped.join(", ")}`));
  out.log(`database: ${dir}`);
  return 0;
}

/** `deps db update`: each ecosystem's export downloaded, checked and imported; the others keep what they had. */
export async function depsUpdateCommand(out: Out, opts: DbLocation & { ecosystem: string[]; mirror?: string; json?: string }): Promise<number> {
  const { downloadExport, OSV_EXPORTS } = await import("../../gates/deps/osv-download.js");
  const wanted = opts.ecosystem.length > 0 ? opts.ecosystem : [...ECOSYSTEMS];
  const unknown = wanted.filter((e) => !(ECOSYSTEMS as readonly string[]).includes(e));
  if (unknown.length > 0) throw new UsageError(`--ecosystem takes ${ECOSYSTEMS.join(" or ")}, not ${unknown.join(", ")}`);
  const base = opts.mirror ?? process.env["TIERCI_OSV_MIRROR"] ?? OSV_EXPORTS;
  const dir = databaseDir(opts);
  let failed = 0;
  const imported: EcosystemStatus[] = [];
  for (const ecosystem of wanted as Ecosystem[]) {
    let file: string | undefined;
    try {
      out.log(`downloading ${ecosystem} advisories from ${base}`);
      file = await downloadExport(base, ecosystem, dir);
      const summary = importOsv(dir, [file]);
      imported.push(...summary.ecosystems);
      for (const s of summary.ecosystems) out.log(`${style.green("imported")} ${s.ecosystem}: ${s.advisories} advisories for ${s.packages} packages`);
    } catch (err) {
      if (!(err instanceof OsvDatabaseError)) throw err;
      failed++;
      out.err(`tierci deps db update: ${ecosystem}: ${err.message}; the database keeps what it had`);
    } finally {
      if (file) rmSync(file, { force: true });
    }
  }
  if (opts.json !== undefined)
    writeJson(opts.json, { dir, imported: imported.map((s) => ({ ...s, importedAt: new Date(s.importedAt).toISOString() })), failed });
  out.log(`database: ${dir}`);
  return failed > 0 ? 1 : 0;
}

export function depsStatusCommand(out: Out, opts: DbLocation & { maxAge: string; json?: string }): number {
  const maxAgeDays = maxAgeOption(opts.maxAge);
  const dir = databaseDir(opts);
  const now = Date.now();
  const statuses = withDatabaseErrors(() => {
    const db = OsvDatabase.open(dir);
    try {
      return db.status();
    } finally {
      db.close();
    }
  });
  if (opts.json !== undefined) {
    writeJson(opts.json, {
      dir,
      ecosystems: statuses.map((s) => ({
        ecosystem: s.ecosystem,
        advisories: s.advisories,
        packages: s.packages,
        imported_at: new Date(s.importedAt).toISOString(),
        age_days: Number(ageDays(s, now).toFixed(2)),
        stale: ageDays(s, now) > maxAgeDays,
        newest_modified: s.newestModified ?? null,
        sources: s.sources,
      })),
    });
  }
  if (opts.json === "-") return 0;
  out.log(`database: ${dir}`);
  for (const s of statuses) {
    const stale = ageDays(s, now) > maxAgeDays ? style.yellow(` stale (over ${maxAgeDays} days)`) : "";
    const newest = s.newestModified ? `, newest record ${s.newestModified.slice(0, 10)}` : "";
    out.log(
      `${s.ecosystem.padEnd(5)} ${String(s.advisories).padStart(7)} advisories ${String(s.packages).padStart(7)} packages  ${describeAge(s, now)}${newest}${stale}`,
    );
  }
  return 0;
}
