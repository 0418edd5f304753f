// `tierci init`: detect the project and write its three-tier pipeline.
import { resolve } from "node:path";
import { DetectError, detectProject, type Template } from "../../init/detect.js";
import { initFiles } from "../../init/files.js";
import { applyWrites, planWrites } from "../../init/write.js";
import { UsageError } from "../key-values.js";
import type { Out } from "../output.js";

export interface InitOptions {
  repo: string;
  template?: string;
  force?: boolean;
  dryRun?: boolean;
}

const TEMPLATES: readonly Template[] = ["python", "node"];

function templateOption(value: string | undefined): Template | undefined {
  if (value === undefined) return undefined;
  const known = TEMPLATES.find((t) => t === value);
  if (known === undefined) throw new UsageError(`--template ${value}: unknown template; choose ${TEMPLATES.join("|")}`);
  return known;
}

export function initCommand(out: Out, opts: InitOptions): number {
  const template = templateOption(opts.template);
  const root = resolve(opts.repo);
  let facts;
  try {
    facts = detectProject(root, template);
  } catch (err) {
    if (err instanceof DetectError) throw new UsageError(err.message);
    throw err;
  }
  const files = initFiles(facts);
  const planned = planWrites(root, files, opts.force === true);
  const verb = opts.dryRun === true ? "would " : "";
  for (const p of planned) {
    if (p.action === "create") out.log(`${verb}create ${p.path}`);
    else if (p.action === "overwrite") out.log(`${verb}overwrite ${p.path}\n${p.diff}`);
    else if (p.action === "unchanged") out.log(`unchanged ${p.path}`);
    else out.log(`skip ${p.path}: it exists and differs\n${p.diff}`);
  }
  if (opts.dryRun !== true) applyWrites(root, files, planned);
  const skipped = planned.filter((p) => p.action === "skip").length;
  if (skipped > 0) out.err(`skipped ${skipped} file(s) that exist and differ (use --force to overwrite them)`);
  return 0;
}
