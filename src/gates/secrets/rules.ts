// Rules and allowlists in the shape of gitleaks' configuration, and their compiled form.
import { goRegex, RegexSyntaxError } from "./regex.js";

export type RegexTarget = "secret" | "match" | "line";

/** An allowlist as written in a configuration (gitleaks' field names). */
export interface AllowlistSpec {
  description?: string;
  condition?: "OR" | "AND";
  regexTarget?: RegexTarget;
  regexes?: string[];
  paths?: string[];
  commits?: string[];
  stopwords?: string[];
  /** Only on a global `[[allowlists]]`: the rules it applies to (all when absent). */
  targetRules?: string[];
}

/** A rule as written in a configuration (gitleaks' field names). */
export interface RuleSpec {
  id: string;
  description?: string;
  regex?: string;
  /** The capture group holding the secret; 0 or absent: the first group that matched, else the whole match. */
  secretGroup?: number;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  keywords?: string[];
  path?: string;
  allowlists?: AllowlistSpec[];
  /**
   * Rejects candidates that fit the format but are evidently not real (placeholders, example
   * values). Only the built-in rules have one: a TOML file cannot express it.
   */
  plausible?: (secret: string) => boolean;
}

export interface Allowlist {
  condition: "OR" | "AND";
  regexTarget: RegexTarget;
  regexes: RegExp[];
  paths: RegExp[];
  commits: string[];
  stopwords: string[];
  targetRules?: Set<string>;
}

export interface Rule {
  id: string;
  description: string;
  regex?: RegExp;
  path?: RegExp;
  secretGroup: number;
  entropy?: number;
  keywords: string[];
  allowlists: Allowlist[];
  plausible?: (secret: string) => boolean;
}

export interface Ruleset {
  rules: Rule[];
  allowlists: Allowlist[];
}

/** A configuration the scanner cannot use: exit 2, with where and why. */
export class SecretsConfigError extends Error {}

function compile(pattern: string, where: string): RegExp {
  try {
    return goRegex(pattern);
  } catch (err) {
    if (err instanceof RegexSyntaxError) throw new SecretsConfigError(`${where}: invalid regular expression: ${err.message}`);
    throw err;
  }
}

/** A test that does not carry the global flag's lastIndex from one call to the next. */
function tester(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.replace("g", ""));
}

export function compileAllowlist(spec: AllowlistSpec, where: string): Allowlist {
  const checks = (spec.regexes?.length ?? 0) + (spec.paths?.length ?? 0) + (spec.commits?.length ?? 0) + (spec.stopwords?.length ?? 0);
  if (checks === 0) throw new SecretsConfigError(`${where}: an allowlist needs at least one of regexes, paths, commits or stopwords`);
  return {
    condition: spec.condition ?? "OR",
    regexTarget: spec.regexTarget ?? "secret",
    regexes: (spec.regexes ?? []).map((r, i) => tester(compile(r, `${where}.regexes[${i}]`))),
    paths: (spec.paths ?? []).map((p, i) => tester(compile(p, `${where}.paths[${i}]`))),
    commits: (spec.commits ?? []).map((c) => c.toLowerCase()),
    stopwords: (spec.stopwords ?? []).map((w) => w.toLowerCase()),
    ...(spec.targetRules ? { targetRules: new Set(spec.targetRules) } : {}),
  };
}

function groupCount(re: RegExp): number {
  return (new RegExp(`${re.source}|`, re.flags.replace(/[gyd]/g, "")).exec("") ?? []).length - 1;
}

export function compileRule(spec: RuleSpec): Rule {
  const where = `rule '${spec.id}'`;
  if (spec.regex === undefined && spec.path === undefined) throw new SecretsConfigError(`${where}: needs a regex, a path, or both`);
  // Match indices locate the secret group exactly, for its column.
  const compiled = spec.regex === undefined ? undefined : compile(spec.regex, `${where}.regex`);
  const regex = compiled && new RegExp(compiled.source, `${compiled.flags}d`);
  if (regex && (spec.secretGroup ?? 0) > groupCount(regex)) {
    throw new SecretsConfigError(`${where}: secretGroup ${spec.secretGroup} but the regex has ${groupCount(regex)} capture group(s)`);
  }
  return {
    id: spec.id,
    description: spec.description ?? spec.id,
    ...(regex ? { regex } : {}),
    ...(spec.path !== undefined ? { path: tester(compile(spec.path, `${where}.path`)) } : {}),
    secretGroup: spec.secretGroup ?? 0,
    ...(spec.entropy !== undefined ? { entropy: spec.entropy } : {}),
    keywords: [...new Set((spec.keywords ?? []).map((k) => k.toLowerCase()))],
    allowlists: (spec.allowlists ?? []).map((a, i) => compileAllowlist(a, `${where}.allowlists[${i}]`)),
    ...(spec.plausible ? { plausible: spec.plausible } : {}),
  };
}

/** What an allowlist looks at for one candidate. */
export interface Candidate {
  secret: string;
  match: string;
  line: string;
  path: string;
  commit?: string;
}

/** Whether the allowlist lets this candidate through (it is not a finding). */
export function allows(list: Allowlist, c: Candidate): boolean {
  const results: boolean[] = [];
  if (list.commits.length > 0) {
    const commit = c.commit?.toLowerCase();
    results.push(commit !== undefined && list.commits.some((x) => commit.startsWith(x)));
  }
  if (list.paths.length > 0) results.push(list.paths.some((p) => p.test(c.path)));
  if (list.regexes.length > 0) {
    const target = list.regexTarget === "match" ? c.match : list.regexTarget === "line" ? c.line : c.secret;
    results.push(list.regexes.some((r) => r.test(target)));
  }
  if (list.stopwords.length > 0) {
    const secret = c.secret.toLowerCase();
    results.push(list.stopwords.some((w) => secret.includes(w)));
  }
  return list.condition === "AND" ? results.every(Boolean) : results.some(Boolean);
}
