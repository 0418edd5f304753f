// The command line: parse arguments, call the modules, render. Every failure ends
// as a message and an exit code (2 for bad usage or invalid workflows), never a stack trace.
import { Command, CommanderError, Option } from "commander";
import { GitError } from "../git/git.js";
import { EventPayloadError } from "../plan/event-payload.js";
import { graphCommand } from "./commands/graph.js";
import { lintCommand } from "./commands/lint.js";
import { listCommand } from "./commands/list.js";
import { planCommand } from "./commands/plan.js";
import { runCommand } from "./commands/run.js";
import { logsCommand, runsCommand } from "./commands/runs.js";
import { collectKeyValue, UsageError } from "./key-values.js";
import { stdio, type Out } from "./output.js";
import { CommandExit } from "./prepare.js";

const VERSION = "0.1.0";

function common(cmd: Command): Command {
  return cmd
    .option("--repo <dir>", "repository directory", ".")
    .option("-W, --workflows <path>", "a workflow file or directory, relative to the repository");
}

function eventOptions(cmd: Command): Command {
  return cmd
    .option("--event <name>", "event name (push, pull_request, workflow_dispatch, schedule, ...)", "push")
    .option("--event-path <file>", "JSON event payload that overrides the one made from git")
    .option("--input <k=v>", "workflow_dispatch / workflow_call input (repeatable)", collectKeyValue, {})
    .option("--var <k=v>", "configuration variable for the vars context (repeatable)", collectKeyValue, {})
    .option("--actor <name>", "github.actor");
}

function jsonOption(cmd: Command): Command {
  return cmd.option("--json <file>", "write JSON to FILE ('-' for standard output)");
}

export function buildProgram(out: Out, setCode: (code: number) => void): Command {
  const program = new Command("tierci")
    .description("Run a repository's GitHub Actions workflows as a tiered pipeline on this machine")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  const runAction = <T>(fn: (o: T) => Promise<number>) => async (o: T) => setCode(await fn(o));

  jsonOption(common(program.command("list").description("list workflows, their jobs, events and tier"))).action(runAction((o) => listCommand(out, o as never)));
  jsonOption(eventOptions(common(program.command("plan").description("show what would run for an event, and why each workflow fires or not")))).action(
    runAction((o) => planCommand(out, o as never)),
  );
  common(program.command("graph").description("show the tiers and the job DAG"))
    .addOption(new Option("--format <format>", "output format").choices(["text", "mermaid", "dot"]).default("text"))
    .action(runAction((o) => graphCommand(out, o as never)));
  jsonOption(common(program.command("lint").description("validate workflow files and .github/tiers.yml"))).action(runAction((o) => lintCommand(out, o as never)));
  const run = program.command("run").description("run the pipeline: tiers in order, jobs on this host");
  jsonOption(eventOptions(common(run)))
    .option("-j, --job <id>", "run only this job and the jobs it needs")
    .option("--secret <k=v>", "a secret (repeatable)", collectKeyValue, {})
    .option("--secret-file <file>", "secrets as NAME=VALUE lines")
    .option("--env <k=v>", "an environment variable for every job (repeatable)", collectKeyValue, {})
    .option("--jobs <n>", "jobs running at once (default: the number of cores)")
    .option("--no-gate", "start every tier at once, as GitHub does")
    .option("--enforce-budgets", "a tier over its budget fails")
    .option("--reuse-workspace", "run jobs in the repository itself instead of a snapshot")
    .option("--keep-workspace", "keep each job's workspace after the run")
    .option("--action-dir <dir>", "a directory of remote actions as owner/repo@ref (repeatable)", (v: string, prev: string[] = []) => [...prev, v], [])
    .option("--offline", "never fetch remote actions")
    .option("--db <file>", "the run database (default: <state-dir>/tierci.db)")
    .option("--state-dir <dir>", "where runs, caches and artifacts are kept (default: <repo>/.tierci)")
    .option("--debug", "show debug messages (ACTIONS_STEP_DEBUG)")
    .action(runAction((o) => runCommand(out, o as never)));
  program
    .command("runs")
    .description("list recorded runs, newest first")
    .option("--repo <dir>", "repository directory", ".")
    .option("--db <file>", "the run database")
    .option("--limit <n>", "how many", "20")
    .option("--json <file>", "write JSON to FILE ('-' for standard output)")
    .action(runAction(async (o) => runsCommand(out, o as never)));
  program
    .command("logs <run> [job]")
    .description("print the logs of a run, or of one of its jobs")
    .option("--repo <dir>", "repository directory", ".")
    .option("--db <file>", "the run database")
    .option("--json <file>", "write JSON to FILE ('-' for standard output)")
    .action(async (runRef: string, job: string | undefined, o: object) => setCode(logsCommand(out, runRef, job, o as never)));
  return program;
}

export async function main(argv: string[], out: Out = stdio): Promise<number> {
  let code = 0;
  const program = buildProgram(out, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommandExit) return err.code;
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return 0;
      return 2;
    }
    if (err instanceof UsageError || err instanceof GitError || err instanceof EventPayloadError) {
      out.err(`tierci: ${err.message}`);
      return 2;
    }
    out.err(`tierci: internal error: ${err instanceof Error ? err.message : String(err)}`);
    out.err("this is a bug in tierci; please report it with the command you ran");
    return 1;
  }
}
