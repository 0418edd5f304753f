// `tierci coverage`: a run's coverage, total and per file, and patch coverage of the lines changed
// against the base branch; --fail-under and --fail-under-patch make it a gate for a workflow step.
import { resolve } from "node:path";
import { headSha } from "../../git/git.js";
import { changedLines, type ChangedLines } from "../../reports/coverage/changed-lines.js";
import { coverageTotals, formatPercent, patchCoverage, type CoverageTotals, type PatchCoverage } from "../../reports/coverage/coverage.js";
import { IngestError } from "../../reports/ingest/ingest-error.js";
import { readCoverage } from "../../reports/ingest/coverage.js";
import type { FileCoverage } from "../../formats/report-types.js";
import { encodeLines } from "../../store/line-ranges.js";
import type { RunRecord } from "../../store/types.js";
import { UsageError } from "../key-values.js";
import { style, writeJson, type Out } from "../output.js";
import { printTable } from "../table.js";
import { withStore, type StoreOptions } from "./runs.js";

export interface CoverageCommandOptions extends StoreOptions {
  base?: string;
  failUnder?: string;
  failUnderPatch?: string;
  file?: string;
}

interface Gate {
  name: "line" | "patch";
  option: string;
  threshold: number;
  rate: number | null;
  passed: boolean;
}

function percentOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim().replace(/%$/, "");
  const n = Number(text);
  if (text === "" || !Number.isFinite(n) || n < 0 || n > 100) throw new UsageError(`${flag} takes a percentage from 0 to 100, not '${value}'`);
  return n;
}

interface Source {
  run: RunRecord | null;
  file: string | null;
  files: FileCoverage[];
}

async function fromFile(file: string, root: string): Promise<Source> {
  try {
    return { run: null, file, files: (await readCoverage(resolve(file), root)).files };
  } catch (err) {
    if (err instanceof IngestError) throw new UsageError(err.message);
    throw err;
  }
}

function fromStore(runRef: string | undefined, opts: CoverageCommandOptions): Source {
  return withStore(opts, (store, root) => {
    const run = runRef === undefined ? store.listRuns({ limit: 1, repoRoot: root, recorded: "coverage" })[0] : store.getRun(runRef, root);
    if (run === undefined) throw new UsageError(runRef === undefined ? `no run of ${root} recorded coverage yet` : `no run '${runRef}'; see \`tierci runs\``);
    const files = store.coverageOf(run.id);
    if (files.length === 0) throw new UsageError(`run #${run.number} recorded no coverage`);
    return { run, file: null, files };
  });
}

/**
 * Patch coverage needs git; without it (or without a base) it is left out, unless it was asked
 * for, and then that is an error.
 */
function patchOf(
  root: string,
  files: FileCoverage[],
  opts: CoverageCommandOptions,
  required: boolean,
): { changed: ChangedLines; patch: PatchCoverage } | undefined {
  try {
    const paths = new Set(files.map((f) => f.path));
    const changed = changedLines(root, opts.base, (path) => paths.has(path));
    return { changed, patch: patchCoverage(changed.files, files) };
  } catch (err) {
    if (required) throw err;
    return undefined;
  }
}

export async function coverageCommand(out: Out, runRef: string | undefined, opts: CoverageCommandOptions): Promise<number> {
  const failUnder = percentOption(opts.failUnder, "--fail-under");
  const failUnderPatch = percentOption(opts.failUnderPatch, "--fail-under-patch");
  if (opts.file !== undefined && runRef !== undefined) throw new UsageError("give a run or --file, not both");
  const root = resolve(opts.repo);
  const source = opts.file === undefined ? fromStore(runRef, opts) : await fromFile(opts.file, root);
  const totals = coverageTotals(source.files);
  const patched = patchOf(root, source.files, opts, failUnderPatch !== undefined || opts.base !== undefined);

  const gates: Gate[] = [];
  const gate = (name: Gate["name"], option: string, threshold: number | undefined, rate: number | null): void => {
    // No executable line at all is nothing left uncovered.
    if (threshold !== undefined) gates.push({ name, option, threshold, rate, passed: rate === null || rate * 100 >= threshold });
  };
  gate("line", "--fail-under", failUnder, totals.line_rate);
  gate("patch", "--fail-under-patch", failUnderPatch, patched?.patch.line_rate ?? null);
  const passed = gates.every((g) => g.passed);

  if (opts.json !== undefined) {
    writeJson(opts.json, {
      run: source.run === null ? null : { id: source.run.id, number: source.run.number, sha: source.run.sha, ref: source.run.ref },
      file: source.file,
      totals,
      files: source.files.map((f) => ({
        path: f.path,
        lines_valid: f.linesValid,
        lines_covered: f.linesCovered,
        line_rate: f.linesValid === 0 ? null : f.linesCovered / f.linesValid,
        branches_valid: f.branchesValid ?? null,
        branches_covered: f.branchesCovered ?? null,
        missing_ranges: missingLines(f),
      })),
      patch: patched === undefined ? null : { base: patched.changed.base, merge_base: patched.changed.mergeBase, ...patched.patch },
      gates: gates.map((g) => ({ name: g.name, threshold: g.threshold, rate: g.rate, passed: g.passed })),
      passed,
    });
  }
  if (opts.json !== "-") render(out, root, source, totals, patched, gates);
  return passed ? 0 : 1;
}

function missingLines(f: FileCoverage): string {
  return encodeLines([...f.lines].filter(([, hits]) => hits === 0).map(([n]) => n));
}

function render(out: Out, root: string, source: Source, totals: CoverageTotals, patched: ReturnType<typeof patchOf>, gates: Gate[]): void {
  const from = source.run === null ? source.file : `run #${source.run.number} (${source.run.ref} ${source.run.sha.slice(0, 10)})`;
  out.log(
    style.bold(`coverage of ${from}: ${formatPercent(totals.line_rate)} of ${totals.lines_valid} lines`) +
      (totals.branch_rate === null ? "" : style.dim(`, ${formatPercent(totals.branch_rate)} of ${totals.branches_valid} branches`)),
  );
  printTable(
    out,
    [{ title: "FILE" }, { title: "LINES", right: true }, { title: "COVERED", right: true }, { title: "COVER", right: true }, { title: "MISSING" }],
    [
      ...source.files.map((f) => [
        f.path,
        String(f.linesValid),
        String(f.linesCovered),
        formatPercent(f.linesValid === 0 ? null : f.linesCovered / f.linesValid),
        missingLines(f),
      ]),
      ["TOTAL", String(totals.lines_valid), String(totals.lines_covered), formatPercent(totals.line_rate), ""],
    ],
  );

  out.log();
  if (patched === undefined) {
    out.log(style.dim("no patch coverage: this is not a git repository with a base branch to compare with (pass --base REF)"));
  } else {
    const { changed, patch } = patched;
    const base = `${changed.base} (merge base ${changed.mergeBase.slice(0, 10)})`;
    if (patch.line_rate === null) {
      out.log(style.bold(`patch coverage against ${base}: no executable lines changed`) + style.dim(` (${patch.lines_changed} lines changed)`));
    } else {
      out.log(
        style.bold(
          `patch coverage against ${base}: ${formatPercent(patch.line_rate)}, ${patch.lines_covered} of ${patch.lines_executable} changed executable lines ran`,
        ),
      );
      printTable(
        out,
        [
          { title: "FILE" },
          { title: "CHANGED", right: true },
          { title: "EXECUTABLE", right: true },
          { title: "COVERED", right: true },
          { title: "COVER", right: true },
          { title: "MISSING" },
        ],
        patch.files.map((f) => [f.path, String(f.changed), String(f.executable), String(f.covered), formatPercent(f.line_rate), encodeLines(f.missing)]),
      );
    }
    const head = headSha(root);
    if (source.run !== null && head !== source.run.sha) {
      out.log(style.yellow(`note: the coverage is of ${source.run.sha.slice(0, 10)}, HEAD is ${head.slice(0, 10)}; lines changed since may not match it`));
    }
  }

  for (const g of gates) {
    const what = g.name === "line" ? "line coverage" : "patch coverage";
    if (g.rate === null) out.log(`${style.green("✓")} ${what}: nothing to cover (${g.option} ${g.threshold}%)`);
    else if (g.passed) out.log(`${style.green("✓")} ${what} ${formatPercent(g.rate)} meets ${g.option} ${g.threshold}%`);
    else out.log(`${style.red("✗")} ${what} ${formatPercent(g.rate)} is under ${g.option} ${g.threshold}%`);
  }
}
