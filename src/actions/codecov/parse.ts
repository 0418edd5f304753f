// Line totals of a coverage report, whichever of the formats tierci reads it is in: Cobertura
// XML (coverage.py's `coverage xml` among others), lcov, coverage.py JSON, and Istanbul's JSON
// (coverage-final.json and json-summary). The format is told from the contents, not the name.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { CoverageReport } from "../../formats/report-types.js";

export type CoverageFormat = CoverageReport["format"];

export interface CoverageTotals {
  format: CoverageFormat;
  linesCovered: number;
  linesValid: number;
}

/** The report cannot be read: not one of the formats, or broken. */
export class CoverageFormatError extends Error {}

export function parseCoverage(text: string): CoverageTotals {
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (start.startsWith("<")) return parseCobertura(start);
  if (start.startsWith("{")) return parseJson(start);
  if (/^(TN|SF|DA|LF|LH|end_of_record)\b/m.test(start)) return parseLcov(start);
  throw new CoverageFormatError("not a coverage format tierci reads (Cobertura or coverage.py XML, lcov, coverage.py or Istanbul JSON)");
}

type XmlNode = Record<string, unknown>;

function parseCobertura(text: string): CoverageTotals {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new CoverageFormatError(`invalid XML at line ${valid.err.line}: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseAttributeValue: false,
    // Nothing in a coverage report needs entities, and expanding them is how XML bombs work.
    processEntities: false,
    isArray: (name) => name === "package" || name === "class" || name === "line",
  });
  const doc = parser.parse(text) as XmlNode;
  const root = doc["coverage"] as XmlNode | undefined;
  if (!root || typeof root !== "object") {
    const tag = Object.keys(doc).find((k) => !k.startsWith("?"));
    throw new CoverageFormatError(
      tag === "report" ? "a JaCoCo report, which tierci does not read" : `XML whose root element is <${tag ?? "?"}>, not Cobertura's <coverage>`,
    );
  }
  if (!("packages" in root) && !("@line-rate" in root))
    throw new CoverageFormatError("a <coverage> report that is not Cobertura (Clover?), which tierci does not read");
  const covered = wholeNumber(root["@lines-covered"]);
  const total = wholeNumber(root["@lines-valid"]);
  if (covered !== undefined && total !== undefined) return { format: "cobertura", linesCovered: covered, linesValid: total };
  // Older Cobertura writers give only line-rate: count the lines of each class.
  const lines = new Map<string, boolean>();
  for (const pkg of children(children([root], "packages"), "package")) {
    for (const cls of children(children([pkg], "classes"), "class")) {
      const file = String(cls["@filename"] ?? cls["@name"] ?? "");
      for (const line of children(children([cls], "lines"), "line")) {
        const key = `${file}:${String(line["@number"])}`;
        lines.set(key, lines.get(key) === true || Number(line["@hits"]) > 0);
      }
    }
  }
  return { format: "cobertura", linesCovered: [...lines.values()].filter(Boolean).length, linesValid: lines.size };
}

function children(nodes: XmlNode[], name: string): XmlNode[] {
  return nodes.flatMap((n) => {
    const value = n[name];
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return list.filter((v): v is XmlNode => typeof v === "object" && v !== null);
  });
}

function wholeNumber(v: unknown): number | undefined {
  if (typeof v !== "string" || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v);
}

/**
 * Line data (DA) wins over a record's LF/LH totals, so that records of one file from several
 * test runs merge: a line is covered when any run hit it.
 */
function parseLcov(text: string): CoverageTotals {
  const files = new Map<string, Map<number, boolean>>();
  let summed = { covered: 0, valid: 0 };
  let file = "";
  let lines = new Map<number, boolean>();
  let totals: { lf?: number; lh?: number } = {};
  let records = 0;
  const endRecord = (): void => {
    if (lines.size > 0) {
      const merged = files.get(file) ?? new Map<number, boolean>();
      for (const [n, hit] of lines) merged.set(n, merged.get(n) === true || hit);
      files.set(file, merged);
    } else if (totals.lf !== undefined) {
      summed = { covered: summed.covered + (totals.lh ?? 0), valid: summed.valid + totals.lf };
    }
    lines = new Map();
    totals = {};
  };
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    const colon = line.indexOf(":");
    const key = colon < 0 ? line : line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (key === "SF") file = value;
    else if (key === "DA") {
      const [n, hits] = value.split(",");
      if (!/^\d+$/.test(n ?? "") || !/^-?\d+(\.\d+)?$/.test(hits ?? "")) throw new CoverageFormatError(`line ${i + 1}: malformed DA record '${line}'`);
      lines.set(Number(n), lines.get(Number(n)) === true || Number(hits) > 0);
    } else if (key === "LF" || key === "LH") {
      if (!/^\d+$/.test(value)) throw new CoverageFormatError(`line ${i + 1}: malformed ${key} record '${line}'`);
      totals[key === "LF" ? "lf" : "lh"] = Number(value);
    } else if (key === "end_of_record") {
      records++;
      endRecord();
    }
  }
  if (lines.size > 0 || totals.lf !== undefined) {
    records++;
    endRecord();
  }
  if (records === 0) throw new CoverageFormatError("an lcov file without any record");
  let covered = summed.covered;
  let valid = summed.valid;
  for (const merged of files.values()) {
    valid += merged.size;
    covered += [...merged.values()].filter(Boolean).length;
  }
  return { format: "lcov", linesCovered: covered, linesValid: valid };
}

function parseJson(text: string): CoverageTotals {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CoverageFormatError(`invalid JSON: ${(err as Error).message}`);
  }
  const obj = record(doc);
  const totals = record(obj?.["totals"]);
  if (totals && typeof totals["covered_lines"] === "number" && typeof totals["num_statements"] === "number") {
    return { format: "coverage-py-json", linesCovered: totals["covered_lines"], linesValid: totals["num_statements"] };
  }
  const summary = record(record(obj?.["total"])?.["lines"]);
  if (summary && typeof summary["covered"] === "number" && typeof summary["total"] === "number") {
    return { format: "istanbul-json", linesCovered: summary["covered"], linesValid: summary["total"] };
  }
  const files = obj ? Object.values(obj).map(record) : [];
  if (files.length > 0 && files.every((f) => record(f?.["statementMap"]) && record(f?.["s"]))) return istanbulFinal(files as Record<string, unknown>[]);
  throw new CoverageFormatError("JSON that is neither coverage.py's report (totals.covered_lines) nor Istanbul's");
}

/** Istanbul's own line coverage: a line counts once, covered when a statement starting on it ran. */
function istanbulFinal(files: Record<string, unknown>[]): CoverageTotals {
  let covered = 0;
  let valid = 0;
  for (const f of files) {
    const statements = f["statementMap"] as Record<string, { start?: { line?: number } }>;
    const counts = f["s"] as Record<string, number>;
    const lines = new Map<number, boolean>();
    for (const [id, loc] of Object.entries(statements)) {
      const line = loc.start?.line;
      if (typeof line !== "number") continue;
      lines.set(line, lines.get(line) === true || (counts[id] ?? 0) > 0);
    }
    valid += lines.size;
    covered += [...lines.values()].filter(Boolean).length;
  }
  return { format: "istanbul-json", linesCovered: covered, linesValid: valid };
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
