// CVSS v3.x base scores from a vector string (specification v3.1, section 7), so that a
// finding can show "CVSS 7.5 HIGH" where an advisory only carries the vector.

const WEIGHTS: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};
// Privileges weigh more when the scope changes.
const PRIVILEGES: Record<string, { U: number; C: number }> = { N: { U: 0.85, C: 0.85 }, L: { U: 0.62, C: 0.68 }, H: { U: 0.27, C: 0.5 } };

/** Rounds up to one decimal the way v3.1 does, immune to binary floating-point noise. */
function roundUp(value: number): number {
  const scaled = Math.round(value * 100000);
  return scaled % 10000 === 0 ? scaled / 100000 : (Math.floor(scaled / 10000) + 1) / 10;
}

export function cvss3BaseScore(vector: string): number | undefined {
  const metrics = new Map<string, string>();
  const parts = vector.trim().split("/");
  if (!/^CVSS:3\.[01]$/.test(parts[0] ?? "")) return undefined;
  for (const part of parts.slice(1)) {
    const [k, v] = part.split(":");
    if (k !== undefined && v !== undefined) metrics.set(k, v);
  }
  const scope = metrics.get("S");
  if (scope !== "U" && scope !== "C") return undefined;
  const w = (metric: string): number | undefined => WEIGHTS[metric]?.[metrics.get(metric) ?? ""];
  const [av, ac, ui, c, i, a] = ["AV", "AC", "UI", "C", "I", "A"].map(w);
  const pr = PRIVILEGES[metrics.get("PR") ?? ""]?.[scope];
  if (av === undefined || ac === undefined || ui === undefined || c === undefined || i === undefined || a === undefined || pr === undefined) return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === "U" ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  if (impact <= 0) return 0;
  const exploitability = 8.22 * av * ac * pr * ui;
  return roundUp(Math.min(scope === "U" ? impact + exploitability : 1.08 * (impact + exploitability), 10));
}

/** The qualitative rating of a score (v3.1, section 5). */
export function ratingOf(score: number): string {
  if (score === 0) return "NONE";
  if (score < 4) return "LOW";
  if (score < 7) return "MEDIUM";
  if (score < 9) return "HIGH";
  return "CRITICAL";
}
