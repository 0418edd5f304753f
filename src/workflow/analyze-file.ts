// What one file's text says, computed from the text alone: a workflow's model and diagnostics
// (GitHub's parser, then tierci's checks), or tiers.yml's tiers. Loaded only when no kept result
// answers (src/workflow/load-cache.ts), since this is where the parser and the YAML library come in.
import { buildWorkflow } from "./build-model.js";
import { validateNeeds } from "./dag.js";
import { problem } from "./diagnostic.js";
import type { Diagnostic, Workflow } from "./model.js";
import { NO_ROOT_JOB, reconcileParserDiagnostics } from "./parser-divergences.js";
import { schemaDiagnostics } from "./schema-check.js";
import { semanticChecks } from "./semantic-checks.js";
import { readTiers, type TiersResult } from "./tiers.js";
import { aliasBomb, MAX_EXPANDED_NODES, parseYamlSource, recursiveAliases } from "./yaml-tree.js";

export interface FileAnalysis {
  workflow?: Workflow;
  diagnostics: Diagnostic[];
}

/** Cycles and self-references in `needs:`; unknown jobs are already reported by the parser. */
function needsDiagnostics(workflow: Workflow): Diagnostic[] {
  return validateNeeds(workflow.jobs)
    .filter((e) => e.kind !== "unknown-need")
    .map((e) => {
      const job = workflow.jobs.find((j) => j.id === e.jobId);
      const pos = job?.pos ?? { line: 1, col: 1 };
      return {
        severity: "error",
        file: workflow.path,
        line: pos.line,
        col: pos.col,
        message: e.message,
        hint: "change `needs:` so that no job depends on itself, directly or through others",
        rule: "needs",
      };
    });
}

/** A workflow file, by its repository-relative `path` and its text. */
export async function analyzeWorkflowFile(path: string, text: string): Promise<FileAnalysis> {
  const src = parseYamlSource(path, text);
  const loops = recursiveAliases(src);
  if (loops.length > 0) {
    return {
      diagnostics: loops.map((l) => ({
        severity: "error" as const,
        file: path,
        line: l.pos.line,
        col: l.pos.col,
        message: `recursive alias '*${l.anchor}' refers to a node that contains it`,
        hint: "point the alias at an anchor outside the node that uses it",
        rule: "syntax",
      })),
    };
  }
  const bomb = aliasBomb(src);
  if (bomb) {
    return {
      diagnostics: [
        {
          severity: "error",
          file: path,
          line: bomb.pos.line,
          col: bomb.pos.col,
          message: `the YAML's aliases expand to more than ${MAX_EXPANDED_NODES} nodes${bomb.anchor ? ` (at '*${bomb.anchor}')` : ""}; the file is refused unread, as a document built to exhaust memory would be`,
          hint: "repeat what you need instead of nesting aliases of aliases",
          rule: "syntax",
        },
      ],
    };
  }
  const parserDiagnostics = await schemaDiagnostics(path, text);
  if (src.doc.errors.length > 0 || src.doc.contents === null) {
    if (parserDiagnostics.length === 0) parserDiagnostics.push(problem(path, "the file is empty or not a YAML mapping", "add `on:` and `jobs:`", "syntax"));
    return { diagnostics: parserDiagnostics };
  }
  const workflow = buildWorkflow(src, path);
  const needs = needsDiagnostics(workflow);
  const reconciled = reconcileParserDiagnostics(parserDiagnostics, src, workflow)
    // The parser's "no job without dependencies" is what a cycle looks like to it; ours names the cycle.
    .filter((d) => !(needs.length > 0 && d.message === NO_ROOT_JOB));
  return { workflow, diagnostics: [...reconciled, ...needs, ...semanticChecks(workflow, src)] };
}

/** tiers.yml, against the workflow files that exist (`names`). */
export function analyzeTiersFile(path: string, text: string, names: string[]): TiersResult {
  return readTiers(parseYamlSource(path, text), names);
}
