// What every command registration needs: where output goes, and a way to turn a handler into a
// commander action. Handlers are imported inside their actions, so parsing arguments, `--help` and
// `--version` load no command module (and none of the workflow parser, SQLite or YAML behind them).
import type { Command } from "@commander-js/extra-typings";
import type { Out } from "../output.js";

export interface Registrar {
  out: Out;
  /** A commander action that runs `handler` and keeps the exit code it returns. */
  handle<A extends unknown[]>(handler: (...args: A) => number | Promise<number>): (...args: A) => Promise<void>;
}

export function registrar(out: Out, setCode: (code: number) => void): Registrar {
  return {
    out,
    handle:
      (handler) =>
      async (...args) =>
        setCode(await handler(...args)),
  };
}

/** Adds one command (or one group of subcommands) to the program. */
export type Registration = (program: Command, r: Registrar) => void;
