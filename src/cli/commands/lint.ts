import { loadRepository } from "../../workflow/load.js";
import { writeJson, style, type Out } from "../output.js";
import type { CommonOptions } from "../prepare.js";
import { hasErrors, renderDiagnostics } from "../render-diagnostics.js";

export interface LintOptions extends CommonOptions {
  json?: string;
}

export async function lintCommand(out: Out, opts: LintOptions): Promise<number> {
  const repo = await loadRepository(opts.repo, { workflows: opts.workflows });
  if (opts.json !== undefined) {
    writeJson(opts.json, {
      files: repo.byPath.size + (repo.tiersFile ? 1 : 0),
      diagnostics: repo.diagnostics.map((d) => ({ ...d })),
    });
  }
  renderDiagnostics(out, repo.diagnostics);
  if (!hasErrors(repo.diagnostics) && opts.json !== "-") {
    out.log(`${style.green("ok")}: ${repo.byPath.size} workflow file(s)${repo.tiersFile ? ` and ${repo.tiersFile}` : ""} are valid`);
  }
  return hasErrors(repo.diagnostics) ? 2 : 0;
}
