// Secrets given to `tierci run`: `--secret NAME` (the value of the environment variable NAME),
// `--secret NAME=VALUE`, and `--secret-file F` (NAME=VALUE lines; `-` reads standard input).
// A value on the command line can be read by any process of the user (`ps`, /proc/PID/cmdline,
// a step's `cat /proc/$PPID/cmdline`), so tierci takes it off its process title at once.
import { readFileSync } from "node:fs";
import { UsageError } from "./key-values.js";

export interface SecretInput {
  secrets: Record<string, string>;
  /** Some value was written on the command line itself. */
  onCommandLine: boolean;
  /** The environment variables the values came from; jobs must not inherit them. */
  fromEnvironment: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function readSecretFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read secret file '${path}': ${(err as Error).message}`);
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new UsageError(`${path === "-" ? "standard input" : path}:${i + 1}: expected NAME=VALUE`);
    let value = m[2] ?? "";
    if (/^"(.*)"$/.test(value)) value = JSON.parse(value) as string;
    else if (/^'(.*)'$/.test(value)) value = value.slice(1, -1);
    out[m[1] ?? ""] = value;
  });
  return out;
}

/** `--secret` arguments, the file's secrets first so that the command line overrides them. */
export function readSecrets(args: readonly string[], file: string | undefined, env: NodeJS.ProcessEnv): SecretInput {
  const input: SecretInput = { secrets: file !== undefined ? readSecretFile(file) : {}, onCommandLine: false, fromEnvironment: [] };
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!NAME.test(name)) throw new UsageError(`--secret takes NAME or NAME=VALUE, and '${name}' is not a name (letters, digits and _, not first a digit)`);
    if (eq >= 0) {
      input.secrets[name] = arg.slice(eq + 1);
      input.onCommandLine = true;
      continue;
    }
    const value = env[name];
    if (value === undefined) throw new UsageError(`--secret ${name}: the environment variable ${name} is not set (set it, or use --secret-file)`);
    input.secrets[name] = value;
    input.fromEnvironment.push(name);
  }
  return input;
}

/** Takes the secrets' traces out of this process where steps and other processes could read them. */
export function hideSecretSources(input: SecretInput, title: string): void {
  // On Linux this overwrites the memory /proc/PID/cmdline and ps read.
  if (input.onCommandLine) process.title = title;
  for (const name of input.fromEnvironment) Reflect.deleteProperty(process.env, name);
}
