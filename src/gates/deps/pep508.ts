// One PEP 508 requirement ("name[extra] >=1, <2 ; marker" or "name @ url"), read far enough
// to tell whether it pins exactly one version, the only case an advisory can be matched on.

export type Requirement = { name: string; version: string } | { name: string; unpinned: string };

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(.*)$/s;
const CLAUSE = /^(===|==|~=|!=|<=|>=|<|>)\s*([^\s,;]+)$/;

/** The requirement's name and pinned version, or why it pins none; undefined when it is not PEP 508. */
export function parseRequirement(text: string): Requirement | undefined {
  const m = NAME.exec(text);
  if (!m) return undefined;
  const name = m[1] as string;
  let rest = (m[2] ?? "").trim();
  if (rest.startsWith("@")) return { name, unpinned: "a direct URL reference" };
  rest = (rest.split(";")[0] ?? "").trim();
  if (rest.startsWith("(") && rest.endsWith(")")) rest = rest.slice(1, -1).trim();
  if (rest === "") return { name, unpinned: "no version given" };
  const clauses: [string, string][] = [];
  for (const part of rest.split(",")) {
    const c = CLAUSE.exec(part.trim());
    if (!c) return undefined;
    clauses.push([c[1] as string, c[2] as string]);
  }
  // "==1.4, !=1.3" still means 1.4; "==1.*" is a range.
  const exact = clauses.find(([op, v]) => op === "===" || (op === "==" && !v.endsWith(".*")));
  return exact ? { name, version: exact[1] } : { name, unpinned: `the range '${rest}'` };
}
