import type { Diagnostic } from "./model.js";

/** An error about a whole file, placed at its start. */
export function problem(file: string, message: string, hint: string, rule = "load"): Diagnostic {
  return { severity: "error", file, line: 1, col: 1, message, hint, rule };
}
