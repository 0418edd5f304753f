// Writing the generated files without ever clobbering a user's edits unasked.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { unifiedDiff } from "./line-diff.js";

export type FileAction = "create" | "overwrite" | "unchanged" | "skip";

export interface PlannedFile {
  path: string;
  action: FileAction;
  /** For skip and overwrite: what would change. */
  diff: string;
}

export function planWrites(root: string, files: Record<string, string>, force: boolean): PlannedFile[] {
  return Object.entries(files).map(([path, text]) => {
    const full = join(root, path);
    if (!existsSync(full)) return { path, action: "create", diff: "" };
    const current = readFileSync(full, "utf8");
    if (current === text) return { path, action: "unchanged", diff: "" };
    return { path, action: force ? "overwrite" : "skip", diff: unifiedDiff(current, text, `a/${path}`, `b/${path}`) };
  });
}

export function applyWrites(root: string, files: Record<string, string>, planned: PlannedFile[]): void {
  for (const p of planned) {
    if (p.action !== "create" && p.action !== "overwrite") continue;
    const full = join(root, p.path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, files[p.path] ?? "");
  }
}
