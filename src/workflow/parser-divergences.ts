// Places where @actions/workflow-parser rejects workflows that GitHub runs. Each
// rule names the divergence it covers so it can be dropped when the parser is fixed.
import { isMap, isSeq, visit } from "yaml";
import type { Diagnostic, SourcePos, Workflow } from "./model.js";
import { entries, get, items, posOf, resolve, scalarText, toValue, type YamlSource } from "./yaml-tree.js";

/** Events GitHub accepts under `on:`; the parser's list form misses some of them. */
const KNOWN_EVENTS = new Set([
  "branch_protection_rule",
  "check_run",
  "check_suite",
  "create",
  "delete",
  "deployment",
  "deployment_status",
  "discussion",
  "discussion_comment",
  "fork",
  "gollum",
  "image_version",
  "issue_comment",
  "issues",
  "label",
  "merge_group",
  "milestone",
  "page_build",
  "project",
  "project_card",
  "project_column",
  "public",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "pull_request_target",
  "push",
  "registry_package",
  "release",
  "repository_dispatch",
  "schedule",
  "status",
  "watch",
  "workflow_call",
  "workflow_dispatch",
  "workflow_run",
]);

const EXPRESSION_FOR_MAPPING = /^Unexpected type 'BasicExpressionToken' encountered while reading '([^']+)'/;
export const NO_ROOT_JOB = "The workflow must contain at least one job with no dependencies.";

function listedEventPositions(src: YamlSource): Set<string> {
  const root = resolve(src, src.doc.contents);
  const on = resolve(src, get(src, root, "on"));
  const out = new Set<string>();
  if (!isSeq(on)) return out;
  for (const item of items(src, on)) {
    if (KNOWN_EVENTS.has(scalarText(toValue(src, item)))) {
      const p = posOf(src, item);
      out.add(`${p.line}:${p.col}`);
    }
  }
  return out;
}

/** Lines of `workflow_dispatch` inputs written with no settings (`name:`), a string input on GitHub. */
function bareDispatchInputLines(src: YamlSource): Set<number> {
  const root = resolve(src, src.doc.contents);
  const inputs = get(src, get(src, get(src, root, "on"), "workflow_dispatch"), "inputs");
  const out = new Set<number>();
  for (const e of entries(src, inputs)) {
    if (toValue(src, e.value) === null) out.add(posOf(src, e.keyNode).line);
  }
  return out;
}

/** Messages about a mapping as a whole, which the parser places on the mapping's first key. */
const ABOUT_PARENT = [/^Required property is missing: /, /^Container image cannot be empty/, /^Input type is not 'choice', but 'options' is defined/];

/** Positions of mapping values ("line:col" of their first key) to the position of the key that holds them. */
function parentKeyPositions(src: YamlSource): Map<string, SourcePos> {
  const out = new Map<string, SourcePos>();
  visit(src.doc, {
    Pair(_key, pair) {
      if (isMap(pair.value) && pair.value.items.length > 0) {
        const first = posOf(src, pair.value.items[0]?.key);
        out.set(`${first.line}:${first.col}`, posOf(src, pair.key));
      }
    },
  });
  return out;
}

/** Lines of the keys of `workflow_call` inputs. */
function workflowCallInputLines(src: YamlSource): Set<number> {
  const root = resolve(src, src.doc.contents);
  const inputs = get(src, get(src, get(src, root, "on"), "workflow_call"), "inputs");
  return new Set(entries(src, inputs).map((e) => posOf(src, e.keyNode).line));
}

export function reconcileParserDiagnostics(diagnostics: Diagnostic[], src: YamlSource, workflow: Workflow | undefined): Diagnostic[] {
  const listedEvents = listedEventPositions(src);
  const bareInputs = bareDispatchInputLines(src);
  const callInputLines = workflowCallInputLines(src);
  const hasRootJob = workflow !== undefined && workflow.jobs.some((j) => j.needs.length === 0);
  const out: Diagnostic[] = [];
  const parents = diagnostics.some((d) => ABOUT_PARENT.some((re) => re.test(d.message))) ? parentKeyPositions(src) : new Map<string, SourcePos>();
  for (const original of diagnostics) {
    const parent = ABOUT_PARENT.some((re) => re.test(original.message)) ? parents.get(`${original.line}:${original.col}`) : undefined;
    const d = parent ? { ...original, line: parent.line, col: parent.col } : original;
    if (/^Unexpected value '/.test(d.message) && listedEvents.has(`${d.line}:${d.col}`)) continue;
    const nullInput = d.message === "Unexpected value ''" || /'NullToken' encountered while reading 'input configuration'/.test(d.message);
    if (nullInput && bareInputs.has(d.line)) continue;
    // A cascade of a job the parser dropped; the model still has the job.
    if (d.message === NO_ROOT_JOB && hasRootJob) continue;
    if (d.message === "Required property is missing: type" && callInputLines.has(d.line)) {
      // GitHub's schema requires it; act runs such workflows, treating the input as a string.
      out.push({
        ...d,
        severity: "warning",
        message: "this workflow_call input has no type; GitHub requires one, tierci treats it as a string",
        hint: "add `type: string` (or boolean, number)",
        rule: "inputs",
      });
      continue;
    }
    const expr = EXPRESSION_FOR_MAPPING.exec(d.message);
    if (expr) {
      out.push({
        ...d,
        severity: "warning",
        message: `'${expr[1]}' is given as an expression; GitHub evaluates it when the job starts, tierci does not yet and treats it as empty`,
        hint: "write it as a mapping if tierci must honour it locally",
        rule: "expression-mapping",
      });
      continue;
    }
    out.push(d);
  }
  return out;
}
