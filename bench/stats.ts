// Timing helpers shared by the benchmarks: medians over repeated runs, since these
// machines are noisy.
import { performance } from "node:perf_hooks";

export async function timeRuns(runs: number, fn: () => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function report(name: string, subject: string, subjectMs: number[], baseline: string, baselineMs: number[]): void {
  const s = median(subjectMs);
  const b = median(baselineMs);
  console.log(`${name}: ${subject} median ${s.toFixed(1)} ms; ${baseline} median ${b.toFixed(1)} ms; ratio ${(s / b).toFixed(2)}x (runs: ${subjectMs.length})`);
}
