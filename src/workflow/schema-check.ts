// Schema and expression validation through GitHub's own parser, turned into
// diagnostics with a position and a hint the user can act on.
import { convertWorkflowTemplate, ErrorPolicy, NoOperationTraceWriter, parseWorkflow } from "./github-parser.js";
import type { Diagnostic } from "./model.js";

const PREFIX = /^.*? \(Line: \d+, Col: \d+\): /;

const HINTS: [RegExp, string][] = [
  [/Unexpected value '([^']*)'/, "remove the key or fix its spelling; see the workflow syntax reference for the keys allowed here"],
  [/Unrecognized named-value: '([^']*)'/, "use one of the contexts available at this place (github, env, vars, secrets, inputs, matrix, needs, steps, ...)"],
  [/Unrecognized function: '([^']*)'/, "check the function name; see the expressions reference for the functions available"],
  [/depends on unknown job/, "fix the job id in `needs:` or add the missing job"],
  [/Required property is missing: ([\w-]+)/, "add the missing key"],
  [/A sequence was not expected|A mapping was not expected|Expected a mapping|Unexpected type/, "check the indentation and the type of this value"],
  [/Unexpected symbol|Unexpected end of expression|Expected a property name/, "fix the expression syntax inside ${{ }}"],
  [/cron/i, "use a five-field POSIX cron expression, e.g. '30 5 * * 1-5' (UTC)"],
];

function hintFor(message: string): string {
  for (const [re, hint] of HINTS) if (re.test(message)) return hint;
  return "see the GitHub Actions workflow syntax reference";
}

export async function schemaDiagnostics(file: string, content: string): Promise<Diagnostic[]> {
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  if (parsed.value !== undefined) {
    // The converter adds the cross-field checks (needs, matrix shape, cron, reusable-workflow inputs).
    await convertWorkflowTemplate(parsed.context, parsed.value, undefined, { errorPolicy: ErrorPolicy.TryConversion });
  }
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const err of parsed.context.errors.getErrors()) {
    const message = err.message.replace(PREFIX, "");
    const line = err.range?.start.line ?? 1;
    const col = err.range?.start.column ?? 1;
    const dedupe = `${line}:${col}:${message}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    out.push({ severity: "error", file, line, col, message, hint: hintFor(message), rule: "syntax" });
  }
  return out;
}
