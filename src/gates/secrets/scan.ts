// `tierci secrets scan`: the working tree, the index, or the whole history (one `git log -p`
// stream, read once as git writes it), through the detector, into a gate report.
import { isInside } from "../../util/path-inside.js";
import { existsSync, lstatSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { GitError } from "../../git/git.js";
import type { Finding, GateReport } from "../finding.js";
import { Detector, type Fragment, type SecretMatch } from "./detector.js";
import { COMMIT_FORMAT, PATCH_OPTIONS, PatchParser } from "./patch.js";
import { DEFAULT_REVEAL, redact, secretHash } from "./redact.js";
import type { Ruleset } from "./rules.js";
import { gitLines, gitListFiles, readTextFile, walkFiles, workTreeRoot } from "./sources.js";

export type ScanMode = "working-tree" | "staged" | "history";

/** Files (working tree) and per-commit file diffs (history) larger than this are skipped. */
export const MAX_FRAGMENT_BYTES = 2 * 1024 * 1024;

export interface ScanOptions {
  /** A directory inside the repository (or any directory, for a working-tree scan). */
  dir: string;
  mode: ScanMode;
  ruleset: Ruleset;
  /** Working tree only: a file or directory to scan instead of the whole tree, relative to `dir`. */
  path?: string;
  /** History only: revisions for `git log` (default: every ref, `--all`). */
  revisions?: string[];
  /** Characters of each secret shown at each end. */
  reveal?: number;
  signal?: AbortSignal;
}

export interface ScanStats {
  mode: ScanMode;
  commits: number;
  files: number;
  bytes: number;
  skipped: { binary: number; large: number };
  durationMs: number;
  /** What could not be read (a history with missing objects), each naming the commit and object. */
  warnings: string[];
}

export interface ScanResult {
  report: GateReport;
  stats: ScanStats;
}

export class ScanInputError extends Error {}

const HINT = "revoke and rotate this credential: removing it from the code leaves it in git history";

export function toFinding(m: SecretMatch, reveal: number): Finding {
  const shown = redact(m.secret, reveal);
  const properties: NonNullable<Finding["properties"]> = { secret: shown, secretSha256: secretHash(m.secret), entropy: Math.round(m.entropy * 100) / 100 };
  if (m.commit) {
    properties["commit"] = m.commit.sha;
    properties["author"] = `${m.commit.author} <${m.commit.email}>`;
    properties["date"] = m.commit.date;
  }
  return {
    ruleId: m.rule.id,
    severity: "error",
    message: m.line === undefined ? `${m.rule.description}: file ${m.path}` : `${m.rule.description}: ${shown}`,
    file: m.path,
    ...(m.line !== undefined ? { line: m.line, col: m.col, endLine: m.endLine, endCol: m.endCol } : {}),
    hint: HINT,
    properties,
  };
}

function scanWorkingTree(opts: ScanOptions, detect: (f: Fragment) => void, stats: ScanStats): void {
  const base = resolve(opts.dir);
  const target = opts.path === undefined ? base : resolve(base, opts.path);
  const gitRoot = workTreeRoot(base);
  const root = gitRoot ?? base;
  const rel = relative(root, target);
  if (!isInside(root, target)) throw new ScanInputError(`${opts.path} is outside ${root}`);
  if (!existsSync(target)) throw new ScanInputError(`${opts.path ?? opts.dir} does not exist`);
  // A file named on the command line is scanned even when .gitignore excludes it.
  const files = gitRoot !== undefined && !isFile(target) ? gitListFiles(root, rel === "" ? undefined : rel.split(sep).join("/")) : walkFiles(root, target);
  for (const file of files) {
    opts.signal?.throwIfAborted();
    const read = readTextFile(resolve(root, file), MAX_FRAGMENT_BYTES);
    if (read.kind === "skipped") {
      if (read.why === "binary") stats.skipped.binary += 1;
      else if (read.why === "large") stats.skipped.large += 1;
      continue;
    }
    stats.files += 1;
    stats.bytes += read.text.length;
    detect({ path: file, text: read.text });
  }
}

function isFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/** git's words for an object it cannot read (a damaged repository, or a partial clone kept offline). */
const MISSING_OBJECT = /(?:unable to read|could not read|missing (?:blob|tree|commit) object)\s+'?([0-9a-f]{40,64})/i;

// A merge's own changes (what its author wrote beyond git's automatic merge, an "evil merge")
// are its remerge diff; plain `git log -p` shows merges as nothing at all.
const HISTORY_OPTIONS = [...PATCH_OPTIONS, "--diff-merges=remerge", "--no-show-signature", `--format=${COMMIT_FORMAT}`];

/**
 * History with objects missing: each commit on its own, so that one unreadable object costs
 * only its commit, which is reported as a warning naming both.
 */
async function scanCommitByCommit(root: string, opts: ScanOptions, parser: PatchParser, stats: ScanStats): Promise<void> {
  const commits: string[] = [];
  await gitLines(root, ["rev-list", ...(opts.revisions ?? ["--all"]), "--"], (text, start, end) => void commits.push(text.slice(start, end)), opts.signal);
  for (const sha of commits) {
    opts.signal?.throwIfAborted();
    try {
      await gitLines(root, ["log", "-1", ...HISTORY_OPTIONS, sha, "--"], (text, start, end) => parser.line(text, start, end), opts.signal);
    } catch (err) {
      const missing = err instanceof GitError ? MISSING_OBJECT.exec(err.stderr ?? err.message) : null;
      if (!missing) throw err;
      stats.warnings.push(`commit ${sha.slice(0, 12)} was not scanned: git cannot read object ${missing[1] ?? ""}; the scan never fetches it`);
    }
  }
}

async function scanPatches(opts: ScanOptions, detect: (f: Fragment) => void, restart: () => void, stats: ScanStats): Promise<void> {
  const root = workTreeRoot(resolve(opts.dir));
  if (root === undefined)
    throw new ScanInputError(`${opts.dir} is not inside a git repository; ${opts.mode === "history" ? "--history" : "--staged"} needs one`);
  for (const rev of opts.revisions ?? []) {
    if (rev.startsWith("-") && rev !== "--all") throw new ScanInputError(`'${rev}' is not a revision`);
  }
  let parser = new PatchParser(detect, MAX_FRAGMENT_BYTES);
  const args = opts.mode === "history" ? ["log", ...HISTORY_OPTIONS, ...(opts.revisions ?? ["--all"]), "--"] : ["diff", "--cached", ...PATCH_OPTIONS, "--"];
  try {
    await gitLines(root, args, (text, start, end) => parser.line(text, start, end), opts.signal);
  } catch (err) {
    if (opts.mode !== "history" || !(err instanceof GitError) || !MISSING_OBJECT.test(err.stderr ?? err.message)) throw err;
    // Start again commit by commit; what the first pass found is found again.
    restart();
    parser = new PatchParser(detect, MAX_FRAGMENT_BYTES);
    await scanCommitByCommit(root, opts, parser, stats);
  }
  parser.end();
  stats.commits = parser.stats.commits;
  stats.files = parser.stats.files;
  stats.bytes = parser.stats.bytes;
  stats.skipped.large = parser.stats.oversized;
}

export async function scanSecrets(opts: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const detector = new Detector(opts.ruleset);
  const reveal = opts.reveal ?? DEFAULT_REVEAL;
  const findings: Finding[] = [];
  const detect = (f: Fragment): void => {
    for (const m of detector.detect(f)) findings.push(toFinding(m, reveal));
  };
  const stats: ScanStats = { mode: opts.mode, commits: 0, files: 0, bytes: 0, skipped: { binary: 0, large: 0 }, durationMs: 0, warnings: [] };
  if (opts.mode === "working-tree") scanWorkingTree(opts, detect, stats);
  else await scanPatches(opts, detect, () => (findings.length = 0), stats);
  stats.durationMs = Date.now() - started;
  return {
    report: {
      gate: "secrets",
      rules: opts.ruleset.rules.map((r) => ({ id: r.id, description: r.description, severity: "error" })),
      findings,
      ...(stats.warnings.length ? { warnings: stats.warnings } : {}),
    },
    stats,
  };
}
