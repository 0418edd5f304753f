// Rule configuration in gitleaks' TOML format: [[rules]] with their allowlists, a global
// [allowlist] / [[allowlists]], and [extend] to build on the defaults or on another file.
import { appendAll } from "../../util/large-arrays.js";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse, TomlError } from "smol-toml";
import { DEFAULT_RULES } from "./default-rules.js";
import { compileAllowlist, compileRule, SecretsConfigError, type AllowlistSpec, type RegexTarget, type RuleSpec, type Ruleset } from "./rules.js";

/** The file gitleaks reads from a repository's root when no configuration is named. */
export const REPO_CONFIG_FILE = ".gitleaks.toml";

// gitleaks follows [extend] path two levels deep; so does this.
const MAX_EXTEND_DEPTH = 2;

interface ConfigSpec {
  rules: RuleSpec[];
  allowlists: AllowlistSpec[];
}

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);
}

class Reader {
  constructor(private readonly file: string) {}

  fail(where: string, message: string): never {
    throw new SecretsConfigError(`${this.file}: ${where}: ${message}`);
  }

  string(t: Table, key: string, where: string): string | undefined {
    const v = t[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") this.fail(where, `${key} must be a string`);
    return v;
  }

  number(t: Table, key: string, where: string, integer = false): number | undefined {
    const v = t[key];
    if (v === undefined) return undefined;
    const n = typeof v === "bigint" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < 0) {
      this.fail(where, `${key} must be a ${integer ? "whole number" : "number"} >= 0`);
    }
    return n;
  }

  strings(t: Table, key: string, where: string): string[] | undefined {
    const v = t[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) this.fail(where, `${key} must be an array of strings`);
    return v as string[];
  }

  allowlist(t: unknown, where: string, global: boolean): AllowlistSpec {
    if (!isTable(t)) this.fail(where, "an allowlist must be a table");
    const condition = this.string(t, "condition", where)?.toUpperCase();
    if (condition !== undefined && condition !== "OR" && condition !== "AND") this.fail(where, `condition must be OR or AND, got '${condition}'`);
    const target = this.string(t, "regexTarget", where);
    if (target !== undefined && !["secret", "match", "line"].includes(target)) this.fail(where, `regexTarget must be secret, match or line, got '${target}'`);
    const targetRules = this.strings(t, "targetRules", where);
    if (targetRules !== undefined && !global) this.fail(where, "targetRules belongs on a global [[allowlists]] entry");
    const spec: AllowlistSpec = {};
    const description = this.string(t, "description", where);
    if (description !== undefined) spec.description = description;
    if (condition !== undefined) spec.condition = condition;
    if (target !== undefined) spec.regexTarget = target as RegexTarget;
    for (const key of ["regexes", "paths", "commits", "stopwords"] as const) {
      const list = this.strings(t, key, where);
      if (list !== undefined) spec[key] = list;
    }
    if (targetRules !== undefined) spec.targetRules = targetRules;
    return spec;
  }

  /** `[x.allowlist]` (one table, the older form) and `[[x.allowlists]]` (an array) both count. */
  allowlists(t: Table, where: string, global: boolean): AllowlistSpec[] {
    const out: AllowlistSpec[] = [];
    if (t["allowlist"] !== undefined) out.push(this.allowlist(t["allowlist"], `${where}allowlist`, global));
    const many = t["allowlists"];
    if (many !== undefined) {
      if (!Array.isArray(many)) this.fail(`${where}allowlists`, "must be an array of tables ([[allowlists]])");
      many.forEach((a, i) => out.push(this.allowlist(a, `${where}allowlists[${i}]`, global)));
    }
    return out;
  }

  rule(t: unknown, index: number): RuleSpec {
    if (!isTable(t)) this.fail(`rules[${index}]`, "must be a table ([[rules]])");
    const id = this.string(t, "id", `rules[${index}]`);
    if (!id) this.fail(`rules[${index}]`, "id is required");
    const where = `rule '${id}'`;
    const spec: RuleSpec = { id };
    const description = this.string(t, "description", where);
    if (description !== undefined) spec.description = description;
    const regex = this.string(t, "regex", where);
    if (regex !== undefined) spec.regex = regex;
    const path = this.string(t, "path", where);
    if (path !== undefined) spec.path = path;
    const group = this.number(t, "secretGroup", where, true);
    if (group !== undefined) spec.secretGroup = group;
    const entropy = this.number(t, "entropy", where);
    if (entropy !== undefined) spec.entropy = entropy;
    const keywords = this.strings(t, "keywords", where);
    if (keywords !== undefined) spec.keywords = keywords;
    const allowlists = this.allowlists(t, `${where}.`, false);
    if (allowlists.length > 0) spec.allowlists = allowlists;
    return spec;
  }
}

/** A rule of an extending file replaces the fields it sets; keywords and allowlists add up. */
function mergeRule(base: RuleSpec, over: RuleSpec): RuleSpec {
  const { plausible: _dropped, ...rest } = base;
  const merged: RuleSpec = { ...rest, ...over };
  merged.keywords = [...(base.keywords ?? []), ...(over.keywords ?? [])];
  merged.allowlists = [...(base.allowlists ?? []), ...(over.allowlists ?? [])];
  // A built-in rule's plausibility check is tied to its own pattern.
  if (over.regex === undefined && base.plausible) merged.plausible = base.plausible;
  return merged;
}

function readSpec(file: string, depth: number): ConfigSpec {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new SecretsConfigError(`cannot read the secrets configuration ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (err) {
    if (err instanceof TomlError)
      throw new SecretsConfigError(`${file}:${err.line}:${err.column}: ${err.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "")}`);
    throw err;
  }
  const r: Reader = new Reader(file);
  let base: ConfigSpec = { rules: [], allowlists: [] };
  const extend = doc["extend"];
  if (extend !== undefined) {
    if (!isTable(extend)) r.fail("extend", "must be a table ([extend])");
    const useDefault = extend["useDefault"];
    if (useDefault !== undefined && typeof useDefault !== "boolean") r.fail("extend", "useDefault must be true or false");
    const path = r.string(extend, "path", "extend");
    if (useDefault === true) base = defaultSpec();
    else if (path !== undefined) {
      if (depth >= MAX_EXTEND_DEPTH) r.fail("extend", `extends more than ${MAX_EXTEND_DEPTH} files deep`);
      base = readSpec(resolve(dirname(file), path), depth + 1);
    }
    const disabled = new Set(r.strings(extend, "disabledRules", "extend") ?? []);
    base = { ...base, rules: base.rules.filter((rule) => !disabled.has(rule.id)) };
  }
  const rulesValue = doc["rules"];
  if (rulesValue !== undefined && !Array.isArray(rulesValue)) r.fail("rules", "must be an array of tables ([[rules]])");
  const own = ((rulesValue as unknown[] | undefined) ?? []).map((t, i) => r.rule(t, i));
  const seen = new Set<string>();
  for (const rule of own) {
    if (seen.has(rule.id)) r.fail(`rule '${rule.id}'`, "is defined twice");
    seen.add(rule.id);
  }
  const rules = base.rules.map((b) => {
    const over = own.find((o) => o.id === b.id);
    return over ? mergeRule(b, over) : b;
  });
  const baseIds = new Set(base.rules.map((b) => b.id));
  appendAll(
    rules,
    own.filter((o) => !baseIds.has(o.id)),
  );
  return { rules, allowlists: [...base.allowlists, ...r.allowlists(doc, "", true)] };
}

function defaultSpec(): ConfigSpec {
  return { rules: DEFAULT_RULES, allowlists: [] };
}

function compileSpec(spec: ConfigSpec): Ruleset {
  if (spec.rules.length === 0) throw new SecretsConfigError("the configuration has no rules; add [[rules]] or [extend] useDefault = true");
  return {
    rules: spec.rules.map(compileRule),
    allowlists: spec.allowlists.map((a, i) => compileAllowlist(a, `allowlists[${i}]`)),
  };
}

export function defaultRuleset(): Ruleset {
  return compileSpec(defaultSpec());
}

export function loadConfigFile(file: string): Ruleset {
  const spec = readSpec(resolve(file), 0);
  try {
    return compileSpec(spec);
  } catch (err) {
    if (err instanceof SecretsConfigError) throw new SecretsConfigError(`${file}: ${err.message}`);
    throw err;
  }
}

/**
 * The rules to scan with: the named file, else the repository's `.gitleaks.toml`, else the
 * built-in rules. `source` says which, for the report.
 */
export function loadRuleset(configFile: string | undefined, repoDir: string): { ruleset: Ruleset; source: string } {
  if (configFile !== undefined) return { ruleset: loadConfigFile(configFile), source: configFile };
  const inRepo = join(repoDir, REPO_CONFIG_FILE);
  if (existsSync(inRepo)) return { ruleset: loadConfigFile(inRepo), source: REPO_CONFIG_FILE };
  return { ruleset: defaultRuleset(), source: "built-in rules" };
}
