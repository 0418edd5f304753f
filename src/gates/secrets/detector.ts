// Finds secrets in one fragment of text: a file of the working tree, or the lines a commit
// added to one file. Keywords are looked up first, all in one pass over the fragment, so that
// a rule's regular expression only runs on fragments that can match it.
import { shannonEntropy } from "./entropy.js";
import { KeywordMatcher } from "./keywords.js";
import { allows, type Allowlist, type Candidate, type Rule, type Ruleset } from "./rules.js";

export interface CommitMeta {
  sha: string;
  author: string;
  email: string;
  date: string;
}

export interface Fragment {
  /** Repository-relative path with forward slashes. */
  path: string;
  text: string;
  /** The file's line number of each line of `text`; absent when `text` is the whole file. */
  lineNumbers?: number[];
  commit?: CommitMeta;
}

export interface SecretMatch {
  rule: Rule;
  path: string;
  /** Absent for a rule that matches on the path alone. */
  line?: number;
  col?: number;
  endLine?: number;
  endCol?: number;
  secret: string;
  entropy: number;
  commit?: CommitMeta;
}

/** Comments that mark a line as reviewed: gitleaks' own, and tierci's. */
const INLINE_ALLOW = ["gitleaks:allow", "tierci:allow"];

/** An allowlist that looks only at the path and the commit decides once per fragment. */
function fragmentLevel(list: Allowlist): boolean {
  return list.regexes.length === 0 && list.stopwords.length === 0;
}

class LineIndex {
  private starts: number[] | undefined;

  constructor(
    private readonly text: string,
    private readonly numbers: number[] | undefined,
  ) {}

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    for (let i = this.text.indexOf("\n"); i >= 0; i = this.text.indexOf("\n", i + 1)) starts.push(i + 1);
    this.starts = starts;
    return starts;
  }

  /** Index (0-based) of the fragment line holding `offset`. */
  private indexOf(offset: number): number {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  position(offset: number): { line: number; col: number } {
    const i = this.indexOf(offset);
    return { line: this.numbers?.[i] ?? i + 1, col: offset - (this.lineStarts()[i] as number) + 1 };
  }

  /** The whole lines that the range [start, end) touches. */
  lines(start: number, end: number): string {
    const starts = this.lineStarts();
    const from = starts[this.indexOf(start)] as number;
    const next = starts[this.indexOf(Math.max(start, end - 1)) + 1];
    return this.text.slice(from, next === undefined ? undefined : next - 1);
  }
}

export class Detector {
  private readonly matcher: KeywordMatcher;
  /** For each rule, the indices of its keywords in the matcher. */
  private readonly keywordsOf: Map<Rule, number[]>;
  /** For each rule, the global allowlists that apply to it. */
  private readonly globalFor: Map<Rule, Allowlist[]>;

  constructor(readonly ruleset: Ruleset) {
    const keywords = [...new Set(ruleset.rules.flatMap((r) => r.keywords))];
    this.matcher = new KeywordMatcher(keywords);
    this.keywordsOf = new Map(ruleset.rules.map((r) => [r, r.keywords.map((k) => keywords.indexOf(k))]));
    this.globalFor = new Map(ruleset.rules.map((r) => [r, ruleset.allowlists.filter((a) => !a.targetRules || a.targetRules.has(r.id))]));
  }

  detect(fragment: Fragment): SecretMatch[] {
    const { path, text, commit } = fragment;
    const found: SecretMatch[] = [];
    const spans: { start: number; end: number }[] = [];
    const pathOnly: Candidate = { secret: "", match: "", line: "", path, ...(commit ? { commit: commit.sha } : {}) };
    const skipAll = new Map<Allowlist, boolean>();
    const skipped = (list: Allowlist): boolean => {
      let v = skipAll.get(list);
      if (v === undefined) {
        v = fragmentLevel(list) && allows(list, pathOnly);
        skipAll.set(list, v);
      }
      return v;
    };
    let present: boolean[] | undefined;
    const hasKeyword = (rule: Rule): boolean => {
      const indices = this.keywordsOf.get(rule) ?? [];
      if (indices.length === 0) return true;
      present ??= this.matcher.find(text);
      return indices.some((k) => (present as boolean[])[k]);
    };
    const lines = new LineIndex(text, fragment.lineNumbers);

    for (const rule of this.ruleset.rules) {
      if (rule.path && !rule.path.test(path)) continue;
      const globals = this.globalFor.get(rule) ?? [];
      if (globals.some(skipped) || rule.allowlists.some(skipped)) continue;
      if (!rule.regex) {
        found.push({ rule, path, secret: "", entropy: 0, ...(commit ? { commit } : {}) });
        continue;
      }
      if (!hasKeyword(rule)) continue;
      const re = rule.regex;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m[0] === "") {
          re.lastIndex += 1;
          continue;
        }
        const group = rule.secretGroup > 0 ? rule.secretGroup : m.findIndex((g, i) => i > 0 && g !== undefined && g !== "");
        const span = m.indices?.[group > 0 ? group : 0];
        const secret = m[group > 0 ? group : 0];
        if (!span || !secret) continue;
        const [start, end] = span;
        if (spans.some((s) => start < s.end && s.start < end)) continue;
        const entropy = shannonEntropy(secret);
        if (rule.entropy !== undefined && entropy < rule.entropy) continue;
        if (rule.plausible && !rule.plausible(secret)) continue;
        const line = lines.lines(m.index, m.index + m[0].length);
        if (INLINE_ALLOW.some((marker) => line.includes(marker))) continue;
        const candidate: Candidate = { ...pathOnly, secret, match: m[0], line };
        if (rule.allowlists.some((a) => allows(a, candidate)) || globals.some((a) => allows(a, candidate))) continue;
        spans.push({ start, end });
        const from = lines.position(start);
        const to = lines.position(Math.max(start, end - 1));
        found.push({ rule, path, line: from.line, col: from.col, endLine: to.line, endCol: to.col + 1, secret, entropy, ...(commit ? { commit } : {}) });
      }
    }
    return found;
  }
}
