// Secrets from --secret-file F (dotenv lines).
import { readFileSync } from "node:fs";
import { UsageError } from "./key-values.js";

export function readSecretFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read secret file '${path}': ${(err as Error).message}`);
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new UsageError(`${path}:${i + 1}: expected NAME=VALUE`);
    let value = m[2] ?? "";
    if (/^"(.*)"$/.test(value)) value = JSON.parse(value) as string;
    else if (/^'(.*)'$/.test(value)) value = value.slice(1, -1);
    out[m[1] ?? ""] = value;
  });
  return out;
}
