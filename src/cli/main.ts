// The command line: parse arguments, call the modules, render. Every failure ends
// as a message and an exit code (2 for bad usage or invalid workflows), never a stack trace.
import { CommanderError } from "@commander-js/extra-typings";
import { CommandExit } from "./command-exit.js";
import { UsageError } from "./key-values.js";
import { stdio, type Out } from "./output.js";
import { buildProgram } from "./register/program.js";

/** Commander's ways of ending after it printed what was asked for. */
const DONE = new Set(["commander.helpDisplayed", "commander.version", "commander.help"]);

export async function main(argv: string[], out: Out = stdio): Promise<number> {
  let code = 0;
  const program = buildProgram(out, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommandExit) return err.code;
    if (err instanceof CommanderError) return DONE.has(err.code) ? 0 : 2;
    if (err instanceof Error && (err instanceof UsageError || (await isBadInput(err)))) {
      out.err(`tierci: ${err.message}`);
      return 2;
    }
    out.err(`tierci: internal error: ${err instanceof Error ? err.message : String(err)}`);
    out.err("this is a bug in tierci; please report it with the command you ran");
    return 1;
  }
}

/**
 * A git failure or an unreadable event payload is the user's input, not a bug. Their modules are
 * loaded only here, once a command has failed, to keep them off the start-up path.
 */
async function isBadInput(err: Error): Promise<boolean> {
  const [{ GitError }, { EventPayloadError }] = await Promise.all([import("../git/git.js"), import("../plan/event-file.js")]);
  return err instanceof GitError || err instanceof EventPayloadError;
}
