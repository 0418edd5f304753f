// The commands of the service: the server itself, a dispatch to it, and the post-receive hook
// that sends a bare repository's pushes to it.
import { readFileSync } from "node:fs";
import type { Registration } from "./registrar.js";

export const registerServe: Registration = (program, { out, handle }) => {
  program
    .command("serve")
    .description("run the tiered pipeline as a service: webhooks, schedules, dispatch, concurrency across runs, an HTTP API")
    .requiredOption("--config <file>", 'the server\'s config (YAML; see README, "tierci serve")')
    .option("--listen <host:port>", "where to listen (default: the config's listen, else 127.0.0.1:8080)")
    .option("--data <dir>", "records, mirrors, logs, artifacts and caches (default: the config's data, else ./tierci-data)")
    .option("--jobs <n>", "jobs at once across all runs (default: the number of cores)")
    .option("--grace-period <duration>", "on SIGTERM, how long running jobs may go on before they are cancelled", "60s")
    .addHelpText("after", "\nExit status: 0 stopped by SIGTERM or SIGINT, 2 bad config or usage (nothing started).")
    .action(handle(async (o) => (await import("../commands/serve.js")).serveCommand(out, o)));
};

export const registerAgent: Registration = (program, { out, handle }) => {
  program
    .command("agent")
    .description("take jobs from a tierci server (one with a Postgres database) and run them on this machine")
    .requiredOption("--server <url>", "the server, or the load balancer in front of its replicas, e.g. https://ci.example.com")
    .requiredOption("--token-env <name>", "the environment variable holding a token of role agent")
    .option("--name <name>", "this agent's name, the jobs' RUNNER_NAME (default: the host name and a short suffix)")
    .option("--labels <a,b>", "labels besides self-hosted, the OS and the architecture, for jobs' runs-on", "")
    .option("--jobs <n>", "jobs at once", "1")
    .option("--work <dir>", "where jobs run and caches are kept", "./tierci-agent")
    .addHelpText(
      "after",
      "\nSIGTERM or SIGINT: no new job; running ones finish (a second signal cancels them). Exit status: 0 stopped, 1 the server refused the token, 2 bad usage.",
    )
    .action(handle(async (o) => (await import("../commands/agent.js")).agentCommand(out, o)));
};

export const registerDispatch: Registration = (program, { out, handle }) => {
  program
    .command("dispatch <repo> <workflow>")
    .description("run a workflow with a workflow_dispatch trigger on a tierci server, with inputs")
    .requiredOption("--server <url>", "the server, e.g. http://127.0.0.1:8080")
    .option("--ref <ref>", "the branch or tag (default: the repository's default branch)")
    .option("--input <name=value>", "an input of the workflow (repeatable)", (v: string, prev: string[] = []) => [...prev, v], [])
    .option("--token-env <name>", "the environment variable holding a token of role trigger", "TIERCI_TOKEN")
    .addHelpText("after", "\nExit status: 0 queued, 1 the server failed or cannot be reached, 2 refused (bad inputs, unknown workflow or repository).")
    .action(handle(async (repo, workflow, o) => (await import("../commands/dispatch.js")).dispatchCommand(out, repo, workflow, o)));
};

export const registerNotify: Registration = (program, { out, handle }) => {
  program
    .command("notify")
    .description("a bare git repository's post-receive hook: send each pushed ref to a tierci server as a signed push delivery")
    .requiredOption("--server <url>", "the server, e.g. http://127.0.0.1:8080")
    .requiredOption("--repo <owner/name>", "the repository's name in the server's config")
    .option("--secret-env <name>", "the environment variable holding the webhook secret", "TIERCI_WEBHOOK_SECRET")
    .option("--git-dir <dir>", "the repository (default: the one the hook runs in)", process.env["GIT_DIR"] ?? ".")
    .addHelpText("after", "\nReads git's 'OLD NEW REF' lines from standard input. Exit status: 0 sent, 1 a delivery failed, 2 bad usage.")
    .action(handle(async (o) => (await import("../commands/notify.js")).notifyCommand(out, o, readFileSync(0, "utf8"))));
};
