// Input parsing shared by the artifact actions, with @actions/core's messages.
import { homedir } from "node:os";
import { BuiltinFailure, type BuiltinRun } from "../builtin-types.js";

/** core.getBooleanInput: only the YAML 1.2 core schema's spellings. */
export function booleanInput(run: BuiltinRun, name: string): boolean {
  const value = (run.inputs[name] ?? "").trim();
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  throw new BuiltinFailure(
    `Input does not meet YAML 1.2 "Core Schema" specification: ${name}\nSupport boolean input list: \`true | True | TRUE | false | False | FALSE\``,
  );
}

/** The home directory a step of the job sees, for `~`. */
export function homeOf(run: BuiltinRun): string {
  return run.env["HOME"] || homedir();
}
