// `tierci artifacts ls RUN` and `tierci artifacts get RUN NAME [--to DIR]`: the artifacts a run
// uploaded, from the store under the state directory.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { extractArtifact } from "../../actions/artifacts/extract.js";
import { ArtifactError, listArtifacts, type ArtifactManifest } from "../../actions/artifacts/store.js";
import { defaultStorePath, openStore, StoreError } from "../../store/index.js";
import { UsageError } from "../key-values.js";
import { style, writeJson, type Out } from "../output.js";

export interface ArtifactsOptions {
  repo: string;
  stateDir?: string;
  db?: string;
  json?: string;
}

function stateDirOf(opts: ArtifactsOptions): string {
  return resolve(opts.stateDir ?? join(resolve(opts.repo), ".tierci"));
}

/**
 * The run a reference (number, id or id prefix) names, from the run database: artifacts are kept
 * by run id, and a number only means something for this repository.
 */
function runOf(ref: string, opts: ArtifactsOptions): { id: string; number: number } {
  const root = resolve(opts.repo);
  const db = opts.db ?? (opts.stateDir ? join(stateDirOf(opts), "tierci.db") : defaultStorePath(root));
  if (!existsSync(db)) throw new UsageError(`no run '${ref}': no runs are recorded in ${db} (see \`tierci runs\`)`);
  const store = openStore(db);
  try {
    const run = store.getRun(ref, root);
    if (!run) throw new UsageError(`no run '${ref}'; see \`tierci runs\``);
    return { id: run.id, number: run.number };
  } catch (err) {
    if (err instanceof StoreError) throw new UsageError(err.message);
    throw err;
  } finally {
    store.close();
  }
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let n = bytes / 1024;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(1)} ${units[unit]}`;
}

const row = (a: ArtifactManifest) => ({
  name: a.name,
  id: a.id,
  job: a.job,
  size: a.size,
  files: a.files.length,
  created: a.created,
  expires: a.expires,
  retention_days: a.retentionDays,
  digest: a.digest,
});

export async function artifactsLsCommand(out: Out, ref: string, opts: ArtifactsOptions): Promise<number> {
  const { id, number: run } = runOf(ref, opts);
  const artifacts = await listArtifacts(stateDirOf(opts), id);
  if (opts.json !== undefined) writeJson(opts.json, { run, artifacts: artifacts.map(row) });
  if (opts.json === "-") return 0;
  if (artifacts.length === 0) {
    out.log(`run #${run} has no artifacts (none uploaded, or all expired)`);
    return 0;
  }
  const width = Math.max(4, ...artifacts.map((a) => a.name.length));
  out.log(style.bold(`${"NAME".padEnd(width)}  ${"SIZE".padStart(10)}  ${"FILES".padStart(5)}  ${"EXPIRES".padEnd(19)}  JOB`));
  for (const a of artifacts) {
    out.log(
      `${a.name.padEnd(width)}  ${size(a.size).padStart(10)}  ${String(a.files.length).padStart(5)}  ${a.expires.replace("T", " ").slice(0, 19)}  ${a.job}`,
    );
  }
  return 0;
}

export async function artifactsGetCommand(out: Out, ref: string, name: string, opts: ArtifactsOptions & { to?: string }): Promise<number> {
  const { id, number: run } = runOf(ref, opts);
  const stateDir = stateDirOf(opts);
  const artifacts = await listArtifacts(stateDir, id);
  const artifact = artifacts.find((a) => a.name === name);
  if (!artifact) {
    const names = artifacts.map((a) => a.name).join(", ");
    throw new UsageError(`run #${run} has no artifact '${name}'${names ? `; its artifacts: ${names}` : " (none uploaded, or all expired)"}`);
  }
  const target = resolve(opts.to ?? name);
  let result;
  try {
    result = await extractArtifact(stateDir, artifact, target);
  } catch (err) {
    if (err instanceof ArtifactError) {
      out.err(`tierci: ${err.message}`);
      return 1;
    }
    throw err;
  }
  for (const path of result.mismatched) out.err(style.yellow(`warning: ${path} does not match the sha256 recorded when it was uploaded`));
  if (opts.json !== undefined) writeJson(opts.json, { run, name, path: target, files: result.files, bytes: result.bytes });
  if (opts.json !== "-") out.log(`${name}: ${result.files} file${result.files === 1 ? "" : "s"}, ${size(result.bytes)} -> ${target}`);
  return result.mismatched.length > 0 ? 1 : 0;
}
