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

function matchersOf(globs: ReportGlobs): { kind: ReportKind; match: (p: string) => boolean }[] {
  return (Object.keys(globs) as ReportKind[]).map((kind) => ({ kind, match: picomatch(globs[kind], { dot: true }) }));
}

/** What report-like files the workspace held before the job's steps ran (size and mtime by path). */
export type ReportBaseline = Map<string, string>;

async function reportLikeFiles(workspace: string, globs: ReportGlobs): Promise<{ rel: string; kind: ReportKind; stamp: string }[]> {
  const matchers = matchersOf(globs);
  const files: string[] = [];
  await walk(workspace, "", files);
  const out: { rel: string; kind: ReportKind; stamp: string }[] = [];
  for (const rel of files) {
    const hit = matchers.find((m) => m.match(rel));
    if (!hit) continue;
    const st = await stat(join(workspace, rel)).catch(() => undefined);
    if (st) out.push({ rel, kind: hit.kind, stamp: `${st.size}:${st.mtimeMs}` });
  }
  return out;
}

/** Taken before the steps run, so reports that came with the repository are not taken for the job's. */
export async function reportBaseline(workspace: string, globs: ReportGlobs): Promise<ReportBaseline> {
  return new Map((await reportLikeFiles(workspace, globs)).map((f) => [f.rel, f.stamp]));
}

/** Reports matching the globs that the job wrote or changed since the baseline. */
export async function collectReports(workspace: string, globs: ReportGlobs, baseline: ReportBaseline, targetDir: string): Promise<CollectedReport[]> {
  const out: CollectedReport[] = [];
  for (const { rel, kind, stamp } of await reportLikeFiles(workspace, globs)) {
    if (baseline.get(rel) === stamp) continue;
    const dir = join(targetDir, kind);
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${out.length + 1}-${basename(rel)}`);
    await copyFile(join(workspace, rel), path);
    out.push({ kind, path, source: rel });
  }
  return out;
}
