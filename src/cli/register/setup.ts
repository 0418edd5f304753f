// The commands that set a repository up: init writes its pipeline, hook gates its pushes.
import { Option } from "@commander-js/extra-typings";
import { jsonOption, repoOption } from "../options.js";
import type { Registration } from "./registrar.js";

export const registerInit: Registration = (program, { out, handle }) => {
  program
    .command("init")
    .description("detect the project and write its three-tier GitHub Actions pipeline, .github/tiers.yml and docs/CI.md")
    .addOption(repoOption())
    .addOption(new Option("--template <name>", "the pipeline to write (default: detected)").choices(["python", "node"]))
    .option("--force", "overwrite files that exist and differ")
    .option("--dry-run", "print what would be written, write nothing")
    .addHelpText("after", "\nExit status: 0 done (files that exist and differ are skipped with a diff unless --force), 2 bad usage.")
    .action(handle(async (o) => (await import("../commands/init.js")).initCommand(out, o)));
};

export const registerHook: Registration = (program, { out, handle }) => {
  const hook = program.command("hook").description("a git pre-push hook that runs tier 1 (skip it once with git push --no-verify)");
  hook
    .command("install")
    .description("write the pre-push hook (core.hooksPath is respected)")
    .addOption(repoOption())
    .option("--force", "replace a pre-push hook tierci did not write")
    .action(handle(async (o) => (await import("../commands/hook.js")).hookInstallCommand(out, o)));
  hook
    .command("uninstall")
    .description("remove the pre-push hook, if tierci wrote it")
    .addOption(repoOption())
    .action(handle(async (o) => (await import("../commands/hook.js")).hookUninstallCommand(out, o)));
  hook
    .command("run")
    .description("run the first tier's workflows offline, as the hook does")
    .addOption(repoOption())
    .addOption(jsonOption())
    .action(handle(async (o) => (await import("../commands/hook.js")).hookRunCommand(out, o)));
};
