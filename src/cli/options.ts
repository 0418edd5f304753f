// Options many commands take, defined once so their names, defaults and help read the same everywhere.
import { Option } from "commander";

export function repoOption(): Option {
  return new Option("--repo <dir>", "repository directory").default(".");
}

export function jsonOption(): Option {
  return new Option("--json <file>", "write JSON to FILE ('-' for standard output)");
}

export function sarifOption(description = "write SARIF 2.1.0 to FILE ('-' for standard output)"): Option {
  return new Option("--sarif <file>", description);
}

export function dbOption(description = "the run database"): Option {
  return new Option("--db <file>", description);
}

export function stateDirOption(description = "where runs, caches and artifacts are kept (default: <repo>/.tierci)"): Option {
  return new Option("--state-dir <dir>", description);
}
