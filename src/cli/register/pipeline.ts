// The commands that read a repository's workflows: list, plan, graph, lint and run.
import { Option } from "@commander-js/extra-typings";
import { collectKeyValue } from "../key-values.js";
import { dbOption, eventOptions, jsonOption, sarifOption, stateDirOption, workflowOptions } from "../options.js";
import type { Registration } from "./registrar.js";

export const registerList: Registration = (program, { out, handle }) => {
  workflowOptions(program.command("list").description("list workflows, their jobs, events and tier"))
    .addOption(jsonOption())
    .action(handle(async (o) => (await import("../commands/list.js")).listCommand(out, o)));
};

export const registerPlan: Registration = (program, { out, handle }) => {
  eventOptions(workflowOptions(program.command("plan").description("show what would run for an event, and why each workflow fires or not")))
    .addOption(jsonOption())
    .option("--reuse", "say for every job whether it would reuse an earlier success (as `run --reuse`)")
    .option("--no-reuse", "say nothing of reuse, whatever tiers.yml says")
    .addOption(dbOption("the run database reuse is looked up in (default: <state-dir>/tierci.db)"))
    .addOption(stateDirOption())
    .action(handle(async (o) => (await import("../commands/plan.js")).planCommand(out, o)));
};

export const registerGraph: Registration = (program, { out, handle }) => {
  workflowOptions(program.command("graph").description("show the tiers and the job DAG"))
    .addOption(new Option("--format <format>", "output format").choices(["text", "mermaid", "dot"]).default("text"))
    .action(handle(async (o) => (await import("../commands/graph.js")).graphCommand(out, o)));
};

export const registerLint: Registration = (program, { out, handle }) => {
  workflowOptions(program.command("lint").description("validate workflow files and .github/tiers.yml, then check them against the workflow policy"))
    .addOption(jsonOption())
    .addOption(sarifOption("write validation problems and policy findings as SARIF to FILE ('-' for standard output)"))
    .option("--strict", "report policy findings as errors")
    .addHelpText(
      "after",
      "\nExit status: 0 valid and no policy findings, 1 policy findings, 2 invalid workflows.\nSilence a policy finding with '# tierci: ignore[rule-id]' on its line, the line above, or at the top of the file.",
    )
    .action(handle(async (o) => (await import("../commands/lint.js")).lintCommand(out, o)));
};

export const registerRun: Registration = (program, { out, handle }) => {
  eventOptions(workflowOptions(program.command("run").description("run the pipeline: tiers in order, jobs on this host")))
    .addOption(jsonOption())
    .option("-j, --job <id>", "run only this job and the jobs it needs")
    .option("--tier <name>", "run only this tier")
    .option(
      "--secret <name[=value]>",
      "a secret; NAME alone takes the value of the environment variable NAME, which keeps it off the command line (repeatable)",
      (v: string, prev: string[] = []) => [...prev, v],
      [],
    )
    .option("--secret-file <file>", "secrets as NAME=VALUE lines ('-' for standard input)")
    .option("--env <k=v>", "an environment variable for every job (repeatable)", collectKeyValue, {})
    .option("--jobs <n>", "jobs running at once (default: the number of cores)")
    .option("--no-gate", "start every tier at once, as GitHub does")
    .option("--enforce-budgets", "a tier over its budget fails")
    .option("--reuse-workspace", "run jobs in the repository itself instead of a snapshot")
    .option("--keep-workspace", "keep each job's workspace after the run")
    .option("--reuse", "let every job reuse an earlier success whose inputs were byte-identical (tiers.yml `reuse:` opts in per workflow or job)")
    .option("--no-reuse", "run every job, whatever tiers.yml's `reuse:` says")
    .option("--action-dir <dir>", "a directory of remote actions as owner/repo@ref (repeatable)", (v: string, prev: string[] = []) => [...prev, v], [])
    .option("--offline", "never fetch remote actions")
    .addOption(dbOption("the run database (default: <state-dir>/tierci.db)"))
    .addOption(stateDirOption())
    .option("--log-cap <size>", "log kept per job in the run database, e.g. 64M (the default); past it, the rest of the job's log is not stored")
    .option("--debug", "show debug messages (ACTIONS_STEP_DEBUG)")
    .action(
      handle(async (o) =>
        (await import("../commands/run.js")).runCommand(out, {
          ...o,
          // A flag that was not given is absent; the run takes it as off.
          enforceBudgets: o.enforceBudgets ?? false,
          reuseWorkspace: o.reuseWorkspace ?? false,
          keepWorkspace: o.keepWorkspace ?? false,
          offline: o.offline ?? false,
          debug: o.debug ?? false,
        }),
      ),
    );
};
