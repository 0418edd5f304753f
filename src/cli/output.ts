// Where a command's text and JSON go, and terminal styling that respects NO_COLOR.
import { writeFileSync } from "node:fs";

export interface Out {
  log(line?: string): void;
  err(line?: string): void;
}

export const stdio: Out = {
  log: (line = "") => process.stdout.write(`${line}\n`),
  err: (line = "") => process.stderr.write(`${line}\n`),
};

const colorOn = (): boolean => process.stdout.isTTY === true && !process.env["NO_COLOR"] && process.env["TERM"] !== "dumb";

function paint(code: string): (s: string) => string {
  return (s) => (colorOn() ? `\u001b[${code}m${s}\u001b[0m` : s);
}

export const style = {
  bold: paint("1"),
  dim: paint("2"),
  red: paint("31"),
  green: paint("32"),
  yellow: paint("33"),
  cyan: paint("36"),
};

/** `--json FILE`: `-` means standard output. */
export function writeJson(target: string, value: unknown): void {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (target === "-") process.stdout.write(text);
  else writeFileSync(target, text);
}
