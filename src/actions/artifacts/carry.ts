// A re-run of failed jobs keeps the jobs that succeeded, and with them their artifacts: those are
// copied into the new run, so the jobs that run again download them as on GitHub.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifactsRoot, type ArtifactManifest } from "./store.js";

/** Copies the artifacts of run `from` uploaded by the jobs named in `jobs` (job keys) into run `to`; how many. */
export function carryArtifacts(stateDir: string, from: string, to: { id: string; number: number }, jobs: ReadonlySet<string>): number {
  const source = join(artifactsRoot(stateDir), from);
  if (!existsSync(source)) return 0;
  let carried = 0;
  for (const name of readdirSync(source)) {
    let manifest: ArtifactManifest;
    try {
      manifest = JSON.parse(readFileSync(join(source, name, "manifest.json"), "utf8")) as ArtifactManifest;
    } catch {
      continue;
    }
    if (manifest.name !== name || manifest.runId !== from || !jobs.has(manifest.job)) continue;
    const target = join(artifactsRoot(stateDir), to.id, name);
    if (existsSync(target)) continue;
    mkdirSync(join(artifactsRoot(stateDir), to.id), { recursive: true });
    cpSync(join(source, name), target, { recursive: true });
    writeFileSync(join(target, "manifest.json"), JSON.stringify({ ...manifest, runId: to.id, run: to.number }, null, 2));
    carried++;
  }
  return carried;
}
