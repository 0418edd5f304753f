// The command line: parse arguments, call the modules, render. Every failure ends
// as a message and an exit code (2 for bad usage or invalid workflows), never a stack trace.
import { Command, CommanderError, Option } from "commander";
import { GitError } from "../git/git.js";
import { EventPayloadError } from "../plan/event-payload.js";
import { artifactsGetCommand, artifactsLsCommand } from "./commands/artifacts.js";
import { auditCommand } from "./commands/audit.js";
import { cacheLsCommand, cachePruneCommand, cacheRmCommand } from "./commands/cache.js";
import { coverageCommand } from "./commands/coverage.js";
import { registerDepsCommands } from "./commands/deps.js";
import { graphCommand } from "./commands/graph.js";
import { healthCommand } from "./commands/health.js";
import { hookInstallCommand, hookRunCommand, hookUninstallCommand } from "./commands/hook.js";
import { initCommand } from "./commands/init.js";
import { lintCommand } from "./commands/lint.js";
import { listCommand } from "./commands/list.js";
import { planCommand } from "./commands/plan.js";
import { POLICY_EXIT_HELP, policyCheckCommand } from "./commands/policy.js";
import { reportCommand } from "./commands/report.js";
import { runCommand } from "./commands/run.js";
import { logsCommand, runsCommand } from "./commands/runs.js";
import { secretsScanCommand } from "./commands/secrets.js";
import { collectKeyValue, UsageError } from "./key-values.js";
import { stdio, type Out } from "./output.js";
import { dbOption, jsonOption, repoOption, sarifOption, stateDirOption } from "./options.js";
import { CommandExit } from "./prepare.js";

const VERSION = "0.1.0";

function common(cmd: Command): Command {
  return cmd
    .addOption(repoOption())
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

export function buildProgram(out: Out, setCode: (code: number) => void): Command {
  const program = new Command("tierci")
    .description("Run a repository's GitHub Actions workflows as a tiered pipeline on this machine")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  const runAction = <T>(fn: (o: T) => Promise<number>) => async (o: T) => setCode(await fn(o));

  common(program.command("list").description("list workflows, their jobs, events and tier")).addOption(jsonOption()).action(runAction((o) => listCommand(out, o as never)));
  eventOptions(common(program.command("plan").description("show what would run for an event, and why each workflow fires or not"))).addOption(jsonOption()).action(
    runAction((o) => planCommand(out, o as never)),
  );
  common(program.command("graph").description("show the tiers and the job DAG"))
    .addOption(new Option("--format <format>", "output format").choices(["text", "mermaid", "dot"]).default("text"))
    .action(runAction((o) => graphCommand(out, o as never)));
  common(program.command("lint").description("validate workflow files and .github/tiers.yml, then check them against the workflow policy"))
    .addOption(jsonOption())
    .addOption(sarifOption("write validation problems and policy findings as SARIF to FILE ('-' for standard output)"))
    .option("--strict", "report policy findings as errors")
    .addHelpText("after", "\nExit status: 0 valid and no policy findings, 1 policy findings, 2 invalid workflows.\nSilence a policy finding with '# tierci: ignore[rule-id]' on its line, the line above, or at the top of the file.")
    .action(runAction((o) => lintCommand(out, o as never)));
  const policy = program.command("policy").description("change policy: rules on the lines a change adds and removes");
  policy
    .command("check")
    .description("evaluate a policy pack on the change from the merge base of --base to --head (or to the working tree)")
    .addOption(repoOption())
    .requiredOption("--base <ref>", "the branch or commit the change is compared with")
    .option("--head <ref>", "the commit of the change (default: the working tree, untracked files included)")
    .option("--pack <file>", "the policy pack (default: <repo>/.github/tierci-policy.yml)")
    .option("--context <file|text>", "text that may justify the change, or a file holding it (a pull request description also counts in workflows)")
    .addOption(jsonOption())
    .addOption(sarifOption())
    .addHelpText("after", POLICY_EXIT_HELP)
    .action(runAction((o) => policyCheckCommand(out, o as never)));
  program
    .command("audit")
    .description("repository hygiene: hidden Unicode characters, ignored files that are tracked, large files, report formats")
    .addOption(repoOption())
    .option("--max-size <size>", "largest file allowed, e.g. 500KB, 5MB", "5MB")
    .option("--report-schema <file>", "Markdown report schema (default: <repo>/.github/tierci-reports.yml when present)")
    .addOption(jsonOption())
    .addOption(sarifOption())
    .addHelpText("after", "\nExit status: 0 no findings, 1 findings, 2 bad usage.")
    .action(runAction((o) => auditCommand(out, o as never)));
  const run = program.command("run").description("run the pipeline: tiers in order, jobs on this host");
  eventOptions(common(run))
    .addOption(jsonOption())
    .option("-j, --job <id>", "run only this job and the jobs it needs")
    .option("--tier <name>", "run only this tier")
    .option("--secret <name[=value]>", "a secret; NAME alone takes the value of the environment variable NAME, which keeps it off the command line (repeatable)", (v: string, prev: string[] = []) => [...prev, v], [])
    .option("--secret-file <file>", "secrets as NAME=VALUE lines ('-' for standard input)")
    .option("--env <k=v>", "an environment variable for every job (repeatable)", collectKeyValue, {})
    .option("--jobs <n>", "jobs running at once (default: the number of cores)")
    .option("--no-gate", "start every tier at once, as GitHub does")
    .option("--enforce-budgets", "a tier over its budget fails")
    .option("--reuse-workspace", "run jobs in the repository itself instead of a snapshot")
    .option("--keep-workspace", "keep each job's workspace after the run")
    .option("--action-dir <dir>", "a directory of remote actions as owner/repo@ref (repeatable)", (v: string, prev: string[] = []) => [...prev, v], [])
    .option("--offline", "never fetch remote actions")
    .addOption(dbOption("the run database (default: <state-dir>/tierci.db)"))
    .addOption(stateDirOption())
    .option("--debug", "show debug messages (ACTIONS_STEP_DEBUG)")
    .action(runAction((o) => runCommand(out, o as never)));
  program
    .command("runs")
    .description("list recorded runs, newest first")
    .addOption(repoOption())
    .addOption(dbOption())
    .option("--limit <n>", "how many", "20")
    .addOption(jsonOption())
    .action(runAction(async (o) => runsCommand(out, o as never)));
  program
    .command("logs <run> [job]")
    .description("print the logs of a run, or of one of its jobs")
    .addOption(repoOption())
    .addOption(dbOption())
    .addOption(jsonOption())
    .action(async (runRef: string, job: string | undefined, o: object) => setCode(logsCommand(out, runRef, job, o as never)));
  registerDepsCommands(program, out, setCode);
  const artifacts = program.command("artifacts").description("the artifacts runs uploaded (kept under <state-dir>/artifacts)");
  const artifactOptions = (cmd: Command): Command =>
    cmd
      .addOption(repoOption())
      .addOption(stateDirOption())
      .addOption(dbOption("the run database, to name a run by id"))
      .addOption(jsonOption());
  artifactOptions(artifacts.command("ls <run>").description("list a run's artifacts: name, size, files, expiry, job")).action(
    async (runRef: string, o: object) => setCode(await artifactsLsCommand(out, runRef, o as never)),
  );
  artifactOptions(artifacts.command("get <run> <name>").description("copy an artifact's files to a directory"))
    .option("--to <dir>", "the directory to put the files in (default: ./<name>)")
    .action(async (runRef: string, name: string, o: object) => setCode(await artifactsGetCommand(out, runRef, name, o as never)));
  const cache = program.command("cache").description("the entries actions/cache saved (kept under <state-dir>/cache)");
  const cacheOptions = (cmd: Command): Command =>
    cmd
      .addOption(repoOption())
      .addOption(stateDirOption())
      .addOption(jsonOption());
  cacheOptions(cache.command("ls").description("list entries: key, scope, size, age, last use"))
    .option("--prefix <prefix>", "only keys starting with PREFIX")
    .option("--scope <ref>", "only entries saved on this ref (e.g. refs/heads/main)")
    .action(runAction((o) => cacheLsCommand(out, o as never)));
  cacheOptions(cache.command("rm [key]").description("remove the entries with this exact key (or --prefix)"))
    .option("--prefix <prefix>", "remove every entry whose key starts with PREFIX")
    .option("--scope <ref>", "only entries saved on this ref")
    .action(async (key: string | undefined, o: object) => setCode(await cacheRmCommand(out, key, o as never)));
  cacheOptions(cache.command("prune").description("apply the size cap (least recently used first) and idle expiry; delete unreferenced blobs"))
    .option("--max-size <size>", "the size cap, e.g. 2G (default: TIERCI_CACHE_MAX_BYTES or 10G)")
    .option("--max-idle-days <n>", "remove entries not used for N days (default: 7, as GitHub)")
    .action(runAction((o) => cachePruneCommand(out, o as never)));
  program
    .command("report <run>")
    .description("write a self-contained HTML report of a recorded run")
    .addOption(repoOption())
    .addOption(dbOption())
    .option("--html <file>", "where to write the report")
    .action(async (runRef: string, o: object) => setCode(reportCommand(out, runRef, o as never)));
  program.command("health").description("test health over the recorded runs: flaky, newly failing and slowest tests, per suite and job")
    .addOption(jsonOption())
    .addOption(repoOption())
    .addOption(dbOption())
    .option("--runs <n>", "the newest N runs with test results (default: 50)")
    .option("-j, --job <id>", "only this job's tests (its id or name)")
    .option("--suite <name>", "only this suite's tests")
    .option("--flaky-clear-after <n>", "clean passes in a row that clear a flaky test (default: 10)")
    .option("--trend-runs <n>", "runs in each window of the duration trend (default: 5)")
    .option("--slowest <n>", "how many of the slowest tests to list (default: 10)")
    .action(runAction(async (o) => healthCommand(out, o as never)));
  program.command("coverage [run]").description("coverage of a run (default: the latest with coverage), per file, and of the lines changed against the base branch")
    .addOption(jsonOption())
    .addOption(repoOption())
    .addOption(dbOption())
    .option("--file <report>", "read a coverage report (Cobertura, lcov, coverage.py or Istanbul JSON) instead of a run")
    .option("--base <ref>", "the branch or commit the change is measured against (default: the default branch)")
    .option("--fail-under <pct>", "exit 1 when line coverage is under PCT")
    .option("--fail-under-patch <pct>", "exit 1 when patch coverage is under PCT")
    .action(async (runRef: string | undefined, o: object) => setCode(await coverageCommand(out, runRef, o as never)));
  const secrets = program.command("secrets").description("native secret scanning (gitleaks-compatible rules)");
  secrets.command("scan [path]").description("scan the working tree (or PATH, relative to --repo), the index (--staged) or the full history (--history) for credentials")
    .addOption(jsonOption())
    .addOption(repoOption())
    .option("--history", "scan every commit of every ref (one git log -p stream)")
    .option("--staged", "scan the lines added in the index (git diff --cached)")
    .option("--range <revisions>", "scan the history of these revisions only, e.g. main..feature (implies --history)")
    .option("--config <file>", "gitleaks-format TOML rules (default: <repo>/.gitleaks.toml, else the built-in rules)")
    .option("--baseline <file>", "accept the findings of an earlier --json report")
    .option("--write-baseline <file>", "write every finding of this scan as a baseline")
    .addOption(sarifOption())
    .option("--redact <n>", "characters of each secret shown at each end (default: 4; at most a quarter of the secret)")
    .action(async (path: string | undefined, o: object) => setCode(await secretsScanCommand(out, path, o as never)));
  program
    .command("init")
    .description("detect the project and write its three-tier GitHub Actions pipeline, .github/tiers.yml and docs/CI.md")
    .addOption(repoOption())
    .addOption(new Option("--template <name>", "the pipeline to write (default: detected)").choices(["python", "node"]))
    .option("--force", "overwrite files that exist and differ")
    .option("--dry-run", "print what would be written, write nothing")
    .addHelpText("after", "\nExit status: 0 done (files that exist and differ are skipped with a diff unless --force), 2 bad usage.")
    .action(runAction(async (o) => initCommand(out, o as never)));
  const hook = program.command("hook").description("a git pre-push hook that runs tier 1 (skip it once with git push --no-verify)");
  hook
    .command("install")
    .description("write the pre-push hook (core.hooksPath is respected)")
    .addOption(repoOption())
    .option("--force", "replace a pre-push hook tierci did not write")
    .action(runAction(async (o) => hookInstallCommand(out, o as never)));
  hook
    .command("uninstall")
    .description("remove the pre-push hook, if tierci wrote it")
    .addOption(repoOption())
    .action(runAction(async (o) => hookUninstallCommand(out, o as never)));
  hook
    .command("run")
    .description("run the first tier's workflows offline, as the hook does")
    .addOption(repoOption())
    .addOption(jsonOption())
    .action(runAction((o) => hookRunCommand(out, o as never)));
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
