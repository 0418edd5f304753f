// The `.github/tiers.yml` every template writes: the same three tiers and budgets, whatever the language.

export const TIERS = [
  { name: "fast-gates", budget: "5m", workflows: ["lint.yml", "security.yml"] },
  { name: "core-ci", budget: "15m", workflows: ["unit-tests.yml", "integration.yml", "smoke.yml"] },
  { name: "deep-validation", budget: "20m", workflows: ["audit.yml", "policy.yml", "test-health.yml", "nightly.yml"] },
];

export function tiersYaml(): string {
  const lines = ["# Written by `tierci init`: a tier starts only when the one before it passed.", "tiers:"];
  for (const t of TIERS) lines.push(`  - name: ${t.name}`, `    budget: ${t.budget}`, `    workflows: [${t.workflows.join(", ")}]`);
  return `${lines.join("\n")}\n`;
}
