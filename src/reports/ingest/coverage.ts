// Coverage reports in the formats Python and JavaScript tools write: Cobertura XML
// (coverage.py's `coverage xml`, and Java/.NET tools), lcov tracefiles, coverage.py JSON
// and Istanbul JSON (coverage-final.json, or the per-file totals of json-summary). The
// format is told from the content, since file names vary.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { CoverageReport, FileCoverage } from "../../formats/report-types.js";
import { IngestError, readFailure } from "./ingest-error.js";
import { parseJsonReport } from "./json-text.js";
import { isAbsolutePath, RepoPaths } from "./repo-paths.js";
import { type XmlAttributes, type XmlHandler, XmlTokenizer } from "./xml-stream.js";

/** Line hits and branch counts of one file while a report is read. */
class FileAccumulator {
  readonly lines = new Map<number, number>();
  /** Branch outcomes by a key unique within the file, with how often each was taken. */
  readonly branches = new Map<string, number>();
  /** Totals when the report gives only those (lcov LF/LH/BRF/BRH, summaries). */
  summary?: { linesValid?: number; linesCovered?: number; branchesValid?: number; branchesCovered?: number };

  toFileCoverage(filePath: string): FileCoverage {
    const fc: FileCoverage = { path: filePath, linesValid: this.lines.size, linesCovered: 0, lines: this.lines };
    for (const hits of this.lines.values()) if (hits > 0) fc.linesCovered++;
    if (this.lines.size === 0 && this.summary?.linesValid !== undefined) {
      fc.linesValid = this.summary.linesValid;
      fc.linesCovered = this.summary.linesCovered ?? 0;
    }
    if (this.branches.size > 0) {
      fc.branchesValid = this.branches.size;
      fc.branchesCovered = 0;
      for (const taken of this.branches.values()) if (taken > 0) fc.branchesCovered++;
    } else if (this.summary?.branchesValid !== undefined) {
      fc.branchesValid = this.summary.branchesValid;
      fc.branchesCovered = this.summary.branchesCovered ?? 0;
    }
    return fc;
  }
}

class Files {
  private readonly byPath = new Map<string, FileAccumulator>();

  get(filePath: string): FileAccumulator {
    let acc = this.byPath.get(filePath);
    if (acc === undefined) {
      acc = new FileAccumulator();
      this.byPath.set(filePath, acc);
    }
    return acc;
  }

  result(): FileCoverage[] {
    return [...this.byPath].map(([p, acc]) => acc.toFileCoverage(p)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

// Cobertura ----------------------------------------------------------------------

/** condition-coverage="50% (1/2)": branches taken out of branches at that line. */
const CONDITION = /\((\d+)\s*\/\s*(\d+)\)/;

class CoberturaBuilder implements XmlHandler {
  readonly sources: string[] = [];
  /** Line data per `filename` as written, resolved against the sources at the end. */
  readonly byFilename = new Map<string, { lines: Map<number, number>; branches: Map<number, [number, number]> }>();
  private depth = 0;
  private inSource = false;
  private sourceText = "";
  private current: { lines: Map<number, number>; branches: Map<number, [number, number]> } | undefined;
  /** Lines under <methods> repeat the class's own <lines>; they are skipped. */
  private methodsDepth = 0;
  readonly tokenizer: XmlTokenizer;

  constructor(source: string) {
    this.tokenizer = new XmlTokenizer(this, source);
  }

  openTag(name: string, attrs: XmlAttributes): void {
    if (this.depth++ === 0 && name !== "coverage") this.tokenizer.fail(`not a Cobertura report: the root element is <${name}>, not <coverage>`);
    if (name === "source") {
      this.inSource = true;
      this.sourceText = "";
    } else if (name === "class") {
      const filename = attrs.filename;
      if (filename === undefined) this.tokenizer.fail("<class> without a filename attribute");
      let data = this.byFilename.get(filename);
      if (data === undefined) {
        data = { lines: new Map(), branches: new Map() };
        this.byFilename.set(filename, data);
      }
      this.current = data;
    } else if (name === "methods") {
      this.methodsDepth++;
    } else if (name === "line" && this.current !== undefined && this.methodsDepth === 0) {
      const line = Number(attrs.number);
      const hits = Number(attrs.hits ?? "0");
      if (!Number.isInteger(line) || line < 1 || !Number.isFinite(hits) || hits < 0) {
        this.tokenizer.fail(`<line number="${attrs.number ?? ""}" hits="${attrs.hits ?? ""}"> is not a line number and a hit count`);
      }
      // The same line listed twice (a Java file's inner classes) is one measurement, not two.
      this.current.lines.set(line, Math.max(hits, this.current.lines.get(line) ?? 0));
      const cond = attrs.branch === "true" ? CONDITION.exec(attrs["condition-coverage"] ?? "") : null;
      if (cond !== null) this.current.branches.set(line, [Number(cond[1]), Number(cond[2])]);
    }
  }

  closeTag(name: string): void {
    this.depth--;
    if (name === "source") {
      this.inSource = false;
      const s = this.sourceText.trim();
      if (s !== "") this.sources.push(s);
    } else if (name === "class") {
      this.current = undefined;
    } else if (name === "methods") {
      this.methodsDepth--;
    }
  }

  text(text: string): void {
    if (this.inSource) this.sourceText += text;
  }
}

/**
 * coverage.py writes each filename relative to one of its <source> directories, which are
 * absolute paths on the machine that ran it: take the first source under which the file
 * exists here (the sources may come from another checkout of the repository).
 */
function coberturaPath(filename: string, sources: string[], paths: RepoPaths): string {
  const f = filename.replaceAll("\\", "/");
  if (isAbsolutePath(f)) return paths.resolve(f);
  const under = (source: string): string => {
    const base = source.replaceAll("\\", "/");
    return isAbsolutePath(base) ? path.posix.join(base, f) : path.join(paths.root, base, f);
  };
  for (const s of sources) {
    const found = paths.locate(under(s));
    if (found !== undefined) return found;
  }
  // Read away from the sources, the first <source> still tells where the file was.
  const first = sources[0];
  if (first !== undefined) {
    const resolved = paths.resolve(under(first));
    if (!isAbsolutePath(resolved)) return resolved;
  }
  return paths.resolve(f);
}

function readCobertura(text: string, file: string, paths: RepoPaths): CoverageReport {
  const builder = new CoberturaBuilder(file);
  builder.tokenizer.write(text);
  builder.tokenizer.end();
  const files = new Files();
  for (const [filename, data] of builder.byFilename) {
    const acc = files.get(coberturaPath(filename, builder.sources, paths));
    for (const [line, hits] of data.lines) acc.lines.set(line, Math.max(hits, acc.lines.get(line) ?? 0));
    for (const [line, [taken, total]] of data.branches) {
      for (let i = 0; i < total; i++) acc.branches.set(`${line}:${i}`, i < taken ? 1 : 0);
    }
  }
  return { format: "cobertura", files: files.result() };
}

// lcov ---------------------------------------------------------------------------

function readLcov(text: string, file: string, paths: RepoPaths): CoverageReport {
  const files = new Files();
  let acc: FileAccumulator | undefined;
  let lineNo = 0;
  let start = 0;
  function fail(reason: string): never {
    throw new IngestError(file, reason, lineNo, 1);
  }
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, "").trim();
    start = end + 1;
    lineNo++;
    if (line === "") continue;
    const colon = line.indexOf(":");
    const key = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1);
    if (key === "SF") {
      if (value === "") fail("SF: without a file name");
      acc = files.get(paths.resolve(value));
      continue;
    }
    if (key === "end_of_record") {
      acc = undefined;
      continue;
    }
    if (key !== "DA" && key !== "BRDA" && key !== "LF" && key !== "LH" && key !== "BRF" && key !== "BRH") continue;
    if (acc === undefined) fail(`${key}: outside a record (no SF: line before it)`);
    const target = acc;
    const fields = value.split(",");
    if (key === "DA") {
      const ln = Number(fields[0]);
      const hits = Number(fields[1]);
      if (fields.length < 2 || !Number.isInteger(ln) || ln < 1 || !Number.isFinite(hits)) fail(`malformed DA: line "${line}" (expected DA:<line>,<hits>)`);
      // Records of the same file from several test runs add up, as lcov merges them.
      target.lines.set(ln, (target.lines.get(ln) ?? 0) + Math.max(hits, 0));
    } else if (key === "BRDA") {
      const taken = fields[3];
      if (fields.length < 4 || !Number.isInteger(Number(fields[0])) || taken === undefined || (taken !== "-" && !Number.isFinite(Number(taken)))) {
        fail(`malformed BRDA: line "${line}" (expected BRDA:<line>,<block>,<branch>,<taken>)`);
      }
      const k = `${fields[0]}:${fields[1]}:${fields.slice(2, -1).join(",")}`;
      target.branches.set(k, (target.branches.get(k) ?? 0) + (taken === "-" ? 0 : Number(taken)));
    } else {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) fail(`malformed ${key}: line "${line}"`);
      const s = (target.summary ??= {});
      if (key === "LF") s.linesValid = (s.linesValid ?? 0) + n;
      else if (key === "LH") s.linesCovered = (s.linesCovered ?? 0) + n;
      else if (key === "BRF") s.branchesValid = (s.branchesValid ?? 0) + n;
      else s.branchesCovered = (s.branchesCovered ?? 0) + n;
    }
  }
  return { format: "lcov", files: files.result() };
}

// coverage.py JSON -----------------------------------------------------------------

function lineNumbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((n): n is number => Number.isInteger(n) && (n as number) > 0) : [];
}

function readCoveragePyJson(doc: Record<string, unknown>, file: string, paths: RepoPaths): CoverageReport {
  const files = new Files();
  const entries = doc.files;
  if (typeof entries !== "object" || entries === null) throw new IngestError(file, 'coverage.py JSON without a "files" object');
  for (const [name, data] of Object.entries(entries as Record<string, unknown>)) {
    if (typeof data !== "object" || data === null) continue;
    const d = data as Record<string, unknown>;
    const acc = files.get(paths.resolve(name));
    for (const ln of lineNumbers(d.missing_lines)) if (!acc.lines.has(ln)) acc.lines.set(ln, 0);
    // coverage.py records whether a line ran, not how often.
    for (const ln of lineNumbers(d.executed_lines)) acc.lines.set(ln, 1);
    const summary = (d.summary ?? {}) as Record<string, unknown>;
    const branches = count(summary.num_branches);
    if (branches !== undefined && branches > 0) {
      acc.summary = { branchesValid: branches, branchesCovered: count(summary.covered_branches) ?? 0 };
    }
  }
  return { format: "coverage-py-json", files: files.result() };
}

// Istanbul ------------------------------------------------------------------------

interface IstanbulFile {
  path?: unknown;
  statementMap?: Record<string, { start?: { line?: unknown } | null } | null>;
  s?: Record<string, unknown>;
  b?: Record<string, unknown>;
}

/** Some writers wrap each file's data in {data: ...} (istanbul's FileCoverage objects serialized as is). */
function istanbulFile(value: unknown): IstanbulFile | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.statementMap === "object" && v.statementMap !== null) return v as IstanbulFile;
  return istanbulFile(v.data);
}

function isSummaryEntry(value: unknown): value is { lines: { total: number; covered: number }; branches?: { total?: number; covered?: number } } {
  if (typeof value !== "object" || value === null) return false;
  const lines = (value as Record<string, unknown>).lines as Record<string, unknown> | undefined;
  return typeof lines === "object" && lines !== null && count(lines.total) !== undefined && count(lines.covered) !== undefined;
}

function readIstanbul(doc: Record<string, unknown>, file: string, paths: RepoPaths): CoverageReport {
  const files = new Files();
  for (const [key, value] of Object.entries(doc)) {
    const data = istanbulFile(value);
    if (data !== undefined) {
      const acc = files.get(paths.resolve(typeof data.path === "string" ? data.path : key));
      const hits = data.s ?? {};
      // A line's hits are those of its most executed statement, as istanbul's own line view counts them.
      for (const [id, loc] of Object.entries(data.statementMap ?? {})) {
        const line = loc?.start?.line;
        if (typeof line !== "number" || !Number.isInteger(line) || line < 1) continue;
        const n = count(hits[id]) ?? 0;
        acc.lines.set(line, Math.max(n, acc.lines.get(line) ?? 0));
      }
      for (const [id, taken] of Object.entries(data.b ?? {})) {
        if (!Array.isArray(taken)) continue;
        taken.forEach((t, i) => acc.branches.set(`${id}:${i}`, count(t) ?? 0));
      }
    } else if (key !== "total" && isSummaryEntry(value)) {
      const acc = files.get(paths.resolve(key));
      acc.summary = { linesValid: value.lines.total, linesCovered: value.lines.covered };
      const b = value.branches;
      const branchesValid = count(b?.total);
      if (branchesValid !== undefined) {
        acc.summary.branchesValid = branchesValid;
        acc.summary.branchesCovered = count(b?.covered) ?? 0;
      }
    } else if (key !== "total") {
      throw new IngestError(file, `Istanbul JSON entry "${key}" has neither statementMap nor lines totals`);
    }
  }
  return { format: "istanbul-json", files: files.result() };
}

// Detection -----------------------------------------------------------------------

function readJsonCoverage(text: string, file: string, paths: RepoPaths): CoverageReport {
  const doc = parseJsonReport(text, file);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new IngestError(file, "not a coverage report: the JSON is not an object");
  const d = doc as Record<string, unknown>;
  if (typeof d.files === "object" && d.files !== null && (typeof d.meta === "object" || typeof d.totals === "object"))
    return readCoveragePyJson(d, file, paths);
  return readIstanbul(d, file, paths);
}

/** A coverage report in any supported format, with paths relative to `repoRoot`. Throws IngestError. */
export async function readCoverage(file: string, repoRoot: string): Promise<CoverageReport> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw readFailure(file, err);
  }
  return parseCoverage(text, repoRoot, file);
}

/** As readCoverage, for a report held in a string. */
export function parseCoverage(text: string, repoRoot: string, source = "<string>"): CoverageReport {
  const paths = new RepoPaths(repoRoot);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const head = body.trimStart();
  if (head.startsWith("<")) return readCobertura(body, source, paths);
  if (head.startsWith("{")) return readJsonCoverage(body, source, paths);
  if (/^(?:TN|SF|VER):/m.test(head.slice(0, 4096))) return readLcov(body, source, paths);
  if (head === "") throw new IngestError(source, "empty coverage report");
  throw new IngestError(source, "unrecognized coverage format (expected Cobertura XML, lcov, coverage.py JSON or Istanbul JSON)", 1, 1);
}
