// Reads actionlint's ok/err workflows and the expected error lines from ../shared/conformance.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const ACTIONLINT_DIR = resolve("..", "shared", "conformance", "actionlint");

export interface ErrCase {
  file: string;
  /** Distinct 1-based lines on which actionlint reports an error. */
  expectedLines: number[];
}

export function okFiles(): string[] {
  return readdirSync(join(ACTIONLINT_DIR, "ok")).filter((f) => /\.ya?ml$/.test(f)).sort();
}

export function errCases(): ErrCase[] {
  const dir = join(ACTIONLINT_DIR, "err");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((file) => {
      const outFile = join(dir, file.replace(/\.yaml$/, ".out"));
      const lines = new Set<number>();
      for (const line of readFileSync(outFile, "utf8").split("\n")) {
        const m = /^[^:]+:(\d+):\d+: /.exec(line);
        if (m) lines.add(Number(m[1]));
      }
      return { file, expectedLines: [...lines].sort((a, b) => a - b) };
    });
}
