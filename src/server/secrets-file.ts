// A repository's secrets for the server's runs: NAME=VALUE lines, read when a run starts so a
// changed file applies to the next run. Problems name the line but never echo a value.
import { readFileSync } from "node:fs";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class SecretsFileError extends Error {}

export function readSecretsFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new SecretsFileError(`cannot read the secrets file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const secrets: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    const name = eq > 0 ? line.slice(0, eq).trim() : "";
    if (!NAME.test(name))
      throw new SecretsFileError(`${file}:${i + 1}: expected NAME=VALUE with a name of letters, digits and _ (the line is not shown: it may hold a secret)`);
    secrets[name] = line.slice(eq + 1);
  });
  return secrets;
}
