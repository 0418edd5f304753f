import type { Diagnostic } from "../workflow/model.js";
import { style, type Out } from "./output.js";

export function renderDiagnostics(out: Out, diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) {
    const level = d.severity === "error" ? style.red("error") : style.yellow("warning");
    out.err(`${style.bold(`${d.file}:${d.line}:${d.col}`)}: ${level}: ${d.message} [${d.rule}]`);
    if (d.hint) out.err(`  ${style.dim(`hint: ${d.hint}`)}`);
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length > 0) {
    const files = new Set(diagnostics.map((d) => d.file)).size;
    out.err(`${errors} error(s), ${warnings} warning(s) in ${files} file(s)`);
  }
}

export function hasErrors(diagnostics: Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
