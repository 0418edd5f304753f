// The native gates as commands: change policy, repository audit, dependency audit and secret scan.
import type { Command, OptionValues } from "@commander-js/extra-typings";
import { jsonOption, repoOption, sarifOption, stateDirOption } from "../options.js";
import type { Registration } from "./registrar.js";

const POLICY_EXIT_HELP = `
Exit status:
  0  ALLOW            no rule fired (or every rule that fired was justified)
  1  REVIEW_REQUIRED  only WARN rules fired
  2  BLOCK            a BLOCK rule fired; the output ends with "decision: BLOCK"
  2  bad usage        unknown ref, missing or invalid pack: an error message and no decision line`;

export const registerPolicy: Registration = (program, { out, handle }) => {
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
    .action(handle(async (o) => (await import("../commands/policy.js")).policyCheckCommand(out, o)));
};

export const registerAudit: Registration = (program, { out, handle }) => {
  program
    .command("audit")
    .description("repository hygiene: hidden Unicode characters, ignored files that are tracked, large files, report formats")
    .addOption(repoOption())
    .option("--max-size <size>", "largest file allowed, e.g. 500KB, 5MB", "5MB")
    .option("--report-schema <file>", "Markdown report schema (default: <repo>/.github/tierci-reports.yml when present)")
    .addOption(jsonOption())
    .addOption(sarifOption())
    .addHelpText("after", "\nExit status: 0 no findings, 1 findings, 2 bad usage.")
    .action(handle(async (o) => (await import("../commands/audit.js")).auditCommand(out, o)));
};

/** Where the vulnerability database is: every `deps` command takes it. */
function databaseLocation<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .addOption(repoOption())
    .addOption(stateDirOption("tierci's state directory; the database is its osv/ (default: <repo>/.tierci)"))
    .option("--db <dir>", "the vulnerability database directory, e.g. one shared by every repository (default: <state-dir>/osv)");
}

export const registerDeps: Registration = (program, { out, handle }) => {
  const deps = program.command("deps").description("audit pinned dependencies against an offline OSV vulnerability database");
  databaseLocation(deps.command("audit").description("report known vulnerabilities in the repository's pinned dependencies"))
    .option("--max-age <days>", "fail when the database was imported longer ago than this", "7")
    // Kept as given and split into ids when the command runs: the splitter belongs to the audit, whose module loads SQLite.
    .option("--ignore <id>", "an advisory id or alias to leave out (repeatable, or comma-separated)", (v: string, prev: string[]) => [...prev, v], [])
    .addOption(jsonOption())
    .addOption(sarifOption())
    .action(
      handle(async (o) => {
        const [{ depsAuditCommand }, { splitIds }] = await Promise.all([import("../commands/deps.js"), import("../../gates/deps/audit.js")]);
        return depsAuditCommand(out, { ...o, ignore: o.ignore.flatMap(splitIds) });
      }),
    );
  const db = deps.command("db").description("the offline vulnerability database");
  databaseLocation(db.command("import <paths...>").description("import OSV all.zip exports or folders of OSV JSON files"))
    .addOption(jsonOption())
    .action(handle(async (paths, o) => (await import("../commands/deps.js")).depsImportCommand(out, paths, o)));
  databaseLocation(db.command("update").description("download OSV's exports (PyPI and npm), check and import them; what fails keeps the advisories it had"))
    .option("--ecosystem <name>", "PyPI or npm (repeatable; default: both)", (v: string, prev: string[]) => [...prev, v], [])
    .option("--mirror <url>", "where the exports are, as <url>/<ecosystem>/all.zip (default: TIERCI_OSV_MIRROR, else OSV's bucket)")
    .addOption(jsonOption())
    .addHelpText("after", "\nExit status: 0 every ecosystem imported, 1 one could not be (the message says what to download and import by hand), 2 bad usage.")
    .action(handle(async (o) => (await import("../commands/deps.js")).depsUpdateCommand(out, o)));
  databaseLocation(db.command("status").description("show what the database holds and how old it is"))
    .option("--max-age <days>", "mark ecosystems imported longer ago than this as stale", "7")
    .addOption(jsonOption())
    .action(handle(async (o) => (await import("../commands/deps.js")).depsStatusCommand(out, o)));
};

export const registerSecrets: Registration = (program, { out, handle }) => {
  const secrets = program.command("secrets").description("native secret scanning (gitleaks-compatible rules)");
  secrets
    .command("scan [path]")
    .description("scan the working tree (or PATH, relative to --repo), the index (--staged) or the full history (--history) for credentials")
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
    .action(handle(async (path, o) => (await import("../commands/secrets.js")).secretsScanCommand(out, path, o)));
};
