// Picks up the test, coverage and SARIF reports a job wrote, before its workspace is
// removed, so the record stage can ingest them.
import type { Dirent } from "node:fs";
import { copyFile, mkdir, readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import picomatch from "picomatch";
import type { ReportGlobs } from "../workflow/model.js";

export type ReportKind = keyof ReportGlobs;

export interface CollectedReport {
  kind: ReportKind;
  /** Where the copy is kept for ingestion. */
  path: string;
  /** Where the job wrote it, relative to the workspace. */
  source: string;
}

/** Trees that hold installed dependencies, not a job's own reports. */
const SKIPPED_DIRS = new Set([".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox", "site-packages"]);
/** File systems round modification times; a report written right at the start must still count. */
const MTIME_SLACK_MS = 2000;

async function walk(root: string, rel: string, out: string[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name)) await walk(root, p, out);
    } else if (e.isFile()) out.push(p);
  }
}

/**
 * Reports matching the globs that were written or changed since `since`: a report
 * committed to the repository is not this job's result.
 */
export async function collectReports(workspace: string, globs: ReportGlobs, since: number, targetDir: string): Promise<CollectedReport[]> {
  const matchers = (Object.keys(globs) as ReportKind[]).map((kind) => ({ kind, match: picomatch(globs[kind], { dot: true }) }));
  const files: string[] = [];
  await walk(workspace, "", files);
  const out: CollectedReport[] = [];
  for (const rel of files) {
    const hit = matchers.find((m) => m.match(rel));
    if (!hit) continue;
    const st = await stat(join(workspace, rel)).catch(() => undefined);
    if (!st || st.mtimeMs < since - MTIME_SLACK_MS) continue;
    const dir = join(targetDir, hit.kind);
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${out.length + 1}-${basename(rel)}`);
    await copyFile(join(workspace, rel), path);
    out.push({ kind: hit.kind, path, source: rel });
  }
  return out;
}
