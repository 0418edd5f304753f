// The whole command line, in the order `tierci --help` lists it. A new command is a Registration
// in one of this folder's modules (see ./registrar.ts) and one entry here.
import { Command } from "@commander-js/extra-typings";
import type { Out } from "../output.js";
import { tierciVersion } from "../version.js";
import { registerAudit, registerDeps, registerPolicy, registerSecrets } from "./gates.js";
import { registerArtifacts, registerCache, registerCoverage, registerHealth, registerLogs, registerReport, registerRuns } from "./history.js";
import { registerGraph, registerLint, registerList, registerPlan, registerRun } from "./pipeline.js";
import { registrar, type Registration } from "./registrar.js";
import { registerAgent, registerDispatch, registerNotify, registerServe } from "./server.js";
import { registerHook, registerInit } from "./setup.js";

const COMMANDS: Registration[] = [
  registerList,
  registerPlan,
  registerGraph,
  registerLint,
  registerPolicy,
  registerAudit,
  registerRun,
  registerRuns,
  registerLogs,
  registerDeps,
  registerArtifacts,
  registerCache,
  registerReport,
  registerHealth,
  registerCoverage,
  registerSecrets,
  registerInit,
  registerHook,
  registerServe,
  registerAgent,
  registerDispatch,
  registerNotify,
];

export function buildProgram(out: Out, setCode: (code: number) => void): Command {
  const program = new Command("tierci")
    .description("Run a repository's GitHub Actions workflows as a tiered pipeline on this machine")
    .version(tierciVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  const r = registrar(out, setCode);
  for (const register of COMMANDS) register(program, r);
  return program;
}
