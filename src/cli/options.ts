// Options many commands take, defined once so their names, defaults and help read the same everywhere.
// Each keeps its literal flags in its type, so a command's parsed options are typed from its definition.
import { Command, Option, type OptionValues } from "@commander-js/extra-typings";
import { collectKeyValue } from "./key-values.js";

export function repoOption() {
  return new Option("--repo <dir>", "repository directory").default(".");
}

export function jsonOption() {
  return new Option("--json <file>", "write JSON to FILE ('-' for standard output)");
}

export function sarifOption(description = "write SARIF 2.1.0 to FILE ('-' for standard output)") {
  return new Option("--sarif <file>", description);
}

export function dbOption(description = "the run database") {
  return new Option("--db <file>", description);
}

export function stateDirOption(description = "where runs, caches and artifacts are kept (default: <repo>/.tierci)") {
  return new Option("--state-dir <dir>", description);
}

/** `--repo` and `-W/--workflows`: the commands that read workflow files. */
export function workflowOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd.addOption(repoOption()).option("-W, --workflows <path>", "a workflow file or directory, relative to the repository");
}

/** The event a plan or run is made for. */
export function eventOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option("--event <name>", "event name (push, pull_request, workflow_dispatch, schedule, ...)", "push")
    .option("--event-path <file>", "JSON event payload that overrides the one made from git")
    .option("--input <k=v>", "workflow_dispatch / workflow_call input (repeatable)", collectKeyValue, {})
    .option("--var <k=v>", "configuration variable for the vars context (repeatable)", collectKeyValue, {})
    .option("--actor <name>", "github.actor");
}
