// Runs one rule family over an inline workflow, for the rule tests.
import type { Diagnostic } from "../model.js";
import { buildWorkflow } from "../build-model.js";
import { parseYamlSource } from "../yaml-tree.js";
import { CheckContext, type Check } from "./context.js";

export function runCheck(check: Check, yaml: string): Diagnostic[] {
  const src = parseYamlSource("w.yml", yaml);
  const ctx = new CheckContext(buildWorkflow(src, "w.yml"), src);
  check(ctx);
  return ctx.out;
}

/** `line:severity` of each diagnostic, the shape most assertions need. */
export function brief(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.line}:${d.severity}`);
}

/** Builds a workflow from lines, so tests can say which line a diagnostic must be on. */
export function lines(...text: string[]): string {
  return text.join("\n") + "\n";
}
