// Reads actionlint's ok/err workflows and the expected error lines from the conformance data.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface ErrCase {
  file: string;
  /** Distinct 1-based lines on which actionlint reports an error. */
  expectedLines: number[];
}

export function okFiles(root: string): string[] {
  return readdirSync(join(root, "ok"))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

export function errCases(root: string): ErrCase[] {
  const dir = join(root, "err");
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
