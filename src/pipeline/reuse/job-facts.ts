// What a job's definition says about its inputs, read without running it: the commands its run
// steps name (their binaries are tool versions the result depends on), the actions it uses, and
// what makes a result impossible to reuse (it reads the network, runs always(), is scheduled).
import { parseRemoteUses } from "../../actions/resolve.js";
import type { Job } from "../../workflow/model.js";

export interface JobFacts {
  /** Command names at the start of run-script lines, e.g. python, pytest, npm. */
  commands: string[];
  /** `uses:` of the steps, as written. */
  uses: string[];
  /** Directories of local actions (`uses: ./path`), relative to the repository. */
  localActions: string[];
  /** Why the job's result can never be reused; null when nothing says so. */
  impure: string | null;
}

// Commands whose purpose is to read from another machine: their output is not a function of the tree.
const NETWORK_COMMAND = /(?:^|[\s;&|(`$])(curl|wget|ssh|scp|sftp|rsync|telnet|ftp|nc|ncat|gh)(?=\s|$)/m;
const GIT_NETWORK = /(?:^|[\s;&|(`$])git\s+(?:-\S+\s+)*(clone|fetch|pull|ls-remote)(?=\s|$)/m;
const SHELL_WORDS = new Set([
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "for",
  "while",
  "until",
  "do",
  "done",
  "case",
  "esac",
  "function",
  "in",
  "time",
  "exec",
  "env",
  "sudo",
  "command",
  "!",
  "{",
  "}",
  "[[",
  "[",
  "export",
  "set",
  "cd",
  "echo",
  "test",
  "true",
  "false",
  "local",
  "return",
  "exit",
  "source",
  ".",
  "read",
  "shift",
  "unset",
  "printf",
]);

function commandsOf(script: string): string[] {
  const names = new Set<string>();
  for (const raw of script.split(/\n|&&|\|\||;|\|/)) {
    const words = raw.trim().split(/\s+/);
    // Leading assignments (FOO=1 cmd) and shell keywords are not the command.
    const word = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) && !SHELL_WORDS.has(w));
    if (word !== undefined && /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/.test(word)) names.add(word);
  }
  return [...names];
}

function isPinned(uses: string): boolean {
  const remote = parseRemoteUses(uses);
  return remote !== undefined && /^[0-9a-f]{40}$/.test(remote.ref);
}

/** The facts of `job`; `builtin` says whether tierci implements an action itself (its version is tierci's). */
export function jobFacts(job: Job, event: string, builtin: (name: string) => boolean): JobFacts {
  const commands = new Set<string>();
  const uses: string[] = [];
  const localActions: string[] = [];
  let impure: string | null = null;
  const mark = (why: string): void => {
    impure ??= why;
  };
  if (event === "schedule") mark("schedule events never reuse: a scheduled run exists to run again");
  if (job.if !== undefined && /\balways\s*\(/.test(job.if)) mark("the job runs always(), whatever came before");
  if (job.container !== undefined || job.services !== undefined) mark("the job uses containers");
  for (const step of job.steps) {
    const where = `step ${step.index + 1}${step.name ? ` (${step.name})` : ""}`;
    if (step.run !== undefined) {
      for (const c of commandsOf(step.run)) commands.add(c);
      const net = NETWORK_COMMAND.exec(step.run)?.[1];
      const gitNet = GIT_NETWORK.exec(step.run)?.[1];
      if (net !== undefined || gitNet !== undefined) mark(`${where} runs ${net ?? `git ${gitNet}`}, which reads the network`);
    }
    if (step.uses !== undefined) {
      uses.push(step.uses);
      if (step.uses.startsWith("./")) localActions.push(step.uses.slice(2).replace(/\/+$/, ""));
      else if (step.uses.startsWith("docker://")) mark(`${where} runs a container image`);
      else if (!builtin(step.uses.split("@")[0] ?? "") && !isPinned(step.uses)) {
        mark(`${where} uses ${step.uses}, a ref that can move; pin it to a commit sha to let the job be reused`);
      }
    }
  }
  return { commands: [...commands].sort(), uses, localActions, impure };
}
