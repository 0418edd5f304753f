// The commands that read what runs left behind: the run database, artifacts and caches.
import type { Command, OptionValues } from "@commander-js/extra-typings";
import { dbOption, jsonOption, repoOption, stateDirOption } from "../options.js";
import type { Registration } from "./registrar.js";

export const registerRuns: Registration = (program, { out, handle }) => {
  const runs = program
    .command("runs")
    .description("list recorded runs, newest first")
    .addOption(repoOption())
    .addOption(dbOption())
    .option("--limit <n>", "how many", "20")
    .addOption(jsonOption())
    .action(handle(async (o) => (await import("../commands/runs.js")).runsCommand(out, o)));
  runs
    .command("prune")
    .description("delete finished runs with their logs, results and artifacts, then compact the database (--repo, --db and --json are those of runs)")
    .addOption(stateDirOption())
    .option("--keep <n>", "keep the newest N runs")
    .option("--older-than <age>", "only runs started more than AGE ago, e.g. 30d, 2w, 12h")
    .option("--dry-run", "list what would be removed, remove nothing")
    .option(
      "--all",
      "the runs of every repository path in the database, such as those recorded before the repository was moved or copied (--keep then counts per path)",
    )
    // The options `runs` declares are parsed wherever they stand on the command line, so they are read from it.
    .action(handle(async (_o, cmd) => (await import("../commands/runs-prune.js")).runsPruneCommand(out, cmd.optsWithGlobals())));
};

export const registerLogs: Registration = (program, { out, handle }) => {
  program
    .command("logs <run> [job]")
    .description("print the logs of a run, or of one of its jobs")
    .addOption(repoOption())
    .addOption(dbOption())
    .addOption(jsonOption())
    .action(handle(async (run, job, o) => (await import("../commands/logs.js")).logsCommand(out, run, job, o)));
};

function artifactOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd.addOption(repoOption()).addOption(stateDirOption()).addOption(dbOption("the run database, to name a run by id")).addOption(jsonOption());
}

export const registerArtifacts: Registration = (program, { out, handle }) => {
  const artifacts = program.command("artifacts").description("the artifacts runs uploaded (kept under <state-dir>/artifacts)");
  artifactOptions(artifacts.command("ls <run>").description("list a run's artifacts: name, size, files, expiry, job")).action(
    handle(async (run, o) => (await import("../commands/artifacts.js")).artifactsLsCommand(out, run, o)),
  );
  artifactOptions(artifacts.command("get <run> <name>").description("copy an artifact's files to a directory"))
    .option("--to <dir>", "the directory to put the files in (default: ./<name>)")
    .action(handle(async (run, name, o) => (await import("../commands/artifacts.js")).artifactsGetCommand(out, run, name, o)));
};

function cacheOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd.addOption(repoOption()).addOption(stateDirOption()).addOption(jsonOption());
}

export const registerCache: Registration = (program, { out, handle }) => {
  const cache = program.command("cache").description("the entries actions/cache saved (kept under <state-dir>/cache)");
  cacheOptions(cache.command("ls").description("list entries: key, scope, size, age, last use"))
    .option("--prefix <prefix>", "only keys starting with PREFIX")
    .option("--scope <ref>", "only entries saved on this ref (e.g. refs/heads/main)")
    .action(handle(async (o) => (await import("../commands/cache.js")).cacheLsCommand(out, o)));
  cacheOptions(cache.command("rm [key]").description("remove the entries with this exact key (or --prefix)"))
    .option("--prefix <prefix>", "remove every entry whose key starts with PREFIX")
    .option("--scope <ref>", "only entries saved on this ref")
    .action(handle(async (key, o) => (await import("../commands/cache.js")).cacheRmCommand(out, key, o)));
  cacheOptions(cache.command("prune").description("apply the size cap (least recently used first) and idle expiry; delete unreferenced blobs and packs"))
    .option("--max-size <size>", "the size cap, e.g. 2G (default: TIERCI_CACHE_MAX_BYTES or 10G)")
    .option("--max-idle-days <n>", "remove entries not used for N days (default: 7, as GitHub)")
    .action(handle(async (o) => (await import("../commands/cache.js")).cachePruneCommand(out, o)));
};

export const registerReport: Registration = (program, { out, handle }) => {
  program
    .command("report <run>")
    .description("write a self-contained HTML report of a recorded run")
    .addOption(repoOption())
    .addOption(dbOption())
    .option("--html <file>", "where to write the report")
    .action(handle(async (run, o) => (await import("../commands/report.js")).reportCommand(out, run, o)));
};

export const registerHealth: Registration = (program, { out, handle }) => {
  program
    .command("health")
    .description("test health over the recorded runs: flaky, newly failing and slowest tests, per suite and job")
    .addOption(jsonOption())
    .addOption(repoOption())
    .addOption(dbOption())
    .option("--runs <n>", "the newest N runs with test results (default: 50)")
    .option("-j, --job <id>", "only this job's tests (its id or name)")
    .option("--suite <name>", "only this suite's tests")
    .option("--flaky-clear-after <n>", "clean passes in a row that clear a flaky test (default: 10)")
    .option("--trend-runs <n>", "runs in each window of the duration trend (default: 5)")
    .option("--slowest <n>", "how many of the slowest tests to list (default: 10)")
    .action(handle(async (o) => (await import("../commands/health.js")).healthCommand(out, o)));
};

export const registerCoverage: Registration = (program, { out, handle }) => {
  program
    .command("coverage [run]")
    .description("coverage of a run (default: the latest with coverage), per file, and of the lines changed against the base branch")
    .addOption(jsonOption())
    .addOption(repoOption())
    .addOption(dbOption())
    .option("--file <report>", "read a coverage report (Cobertura, lcov, coverage.py or Istanbul JSON) instead of a run")
    .option("--base <ref>", "the branch or commit the change is measured against (default: the default branch)")
    .option("--fail-under <pct>", "exit 1 when line coverage is under PCT")
    .option("--fail-under-patch <pct>", "exit 1 when patch coverage is under PCT")
    .action(handle(async (run, o) => (await import("../commands/coverage.js")).coverageCommand(out, run, o)));
};
