// The workflow policy gate: every rule over one workflow file, minus what its comments
// suppress. The file is parsed again here, so that the rules read the same YAML nodes as
// the validation checks without the loader having to keep them.
import { buildWorkflow } from "../../workflow/build-model.js";
import { CheckContext } from "../../workflow/checks/context.js";
import { aliasBomb, parseYamlSource, recursiveAliases } from "../../workflow/yaml-tree.js";
import type { Finding } from "../finding.js";
import { checkActions } from "./actions.js";
import { PolicyContext } from "./context.js";
import { checkLimits } from "./limits.js";
import { checkPermissions } from "./permissions.js";
import { isSuppressed, readSuppressions } from "./suppress.js";
import { checkUntrusted } from "./untrusted.js";

export { POLICY_RULES } from "./rules.js";
export { PROMOTED_VALIDATION_RULES } from "./untrusted.js";

export interface WorkflowPolicyOptions {
  /** The repository's files, for rules that depend on where lock files are; rules needing them are skipped without. */
  files?: readonly string[];
  /** Every finding becomes an error. */
  strict?: boolean;
}

/** Policy findings for one workflow file (`path` repository-relative), sorted by position. */
export function workflowPolicy(path: string, text: string, options: WorkflowPolicyOptions = {}): Finding[] {
  const src = parseYamlSource(path, text);
  // Validation reports these; the rules need a document they can walk.
  if (src.doc.errors.length > 0 || src.doc.contents === null || recursiveAliases(src).length > 0 || aliasBomb(src)) return [];
  const ctx = new PolicyContext(new CheckContext(buildWorkflow(src, path), src), options.files);
  checkPermissions(ctx);
  checkLimits(ctx);
  checkActions(ctx);
  checkUntrusted(ctx);
  const suppressions = readSuppressions(text);
  return ctx.findings
    .filter((f) => !isSuppressed(suppressions, f))
    .map((f) => (options.strict ? { ...f, severity: "error" as const } : f))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0) || a.ruleId.localeCompare(b.ruleId));
}
