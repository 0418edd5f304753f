// Markdown reports against a schema of required headings and sections: the pipeline's
// report-format validation. Headings are ATX (`## Title`) outside fenced code blocks.
import { isMap, isScalar, isSeq } from "yaml";
import { filterPatternProblem } from "../../glob/filter-pattern.js";
import { entries, get, items, parseYamlSource, posOf, resolve, toValue } from "../../workflow/yaml-tree.js";
import type { Finding } from "../finding.js";

export interface ReportSpec {
  /** GitHub filter patterns, in order, `!` excluding. */
  paths: string[];
  /** `## Summary`: that level and text; `Summary` alone: any level. */
  requiredHeadings: string[];
  requiredSectionsNonempty: boolean;
  maxHeadingDepth?: number;
}

export class ReportSchemaError extends Error {
  override readonly name = "ReportSchemaError";
}

const KEYS = new Set(["paths", "required_headings", "required_sections_nonempty", "max_heading_depth"]);

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" && v.trim() !== "") ? (value as string[]) : undefined;
}

export function parseReportSchema(file: string, text: string): ReportSpec[] {
  const src = parseYamlSource(file, text);
  if (src.doc.errors.length > 0) throw new ReportSchemaError(`${file}: the report schema is not valid YAML: ${src.doc.errors[0]?.message.split("\n")[0]}`);
  const reports = get(src, resolve(src, src.doc.contents), "reports");
  if (!isSeq(resolve(src, reports))) throw new ReportSchemaError(`${file}: a report schema needs a 'reports:' list`);
  const problems: string[] = [];
  const specs = items(src, reports).map((node, i) => {
    const where = (n: unknown) => {
      const p = posOf(src, n ?? node);
      return `${file}:${p.line}:${p.col}: report ${i + 1}`;
    };
    if (!isMap(node)) {
      problems.push(`${where(node)}: must be a mapping with 'paths'`);
      return undefined;
    }
    for (const e of entries(src, node)) if (!KEYS.has(e.key)) problems.push(`${where(e.keyNode)}: unknown key '${e.key}' (known: ${[...KEYS].join(", ")})`);
    const paths = stringList(toValue(src, get(src, node, "paths")));
    if (paths === undefined) problems.push(`${where(get(src, node, "paths"))}: 'paths' must be a non-empty list of glob patterns`);
    for (const p of paths ?? []) {
      const bad = filterPatternProblem(p);
      if (bad) problems.push(`${where(get(src, node, "paths"))}: path pattern '${p}' is invalid: ${bad}`);
    }
    const headingsNode = get(src, node, "required_headings");
    const headings = headingsNode === undefined ? [] : stringList(toValue(src, headingsNode));
    if (headings === undefined) problems.push(`${where(headingsNode)}: 'required_headings' must be a list of headings such as "## Summary"`);
    const nonempty = toValue(src, get(src, node, "required_sections_nonempty"));
    if (nonempty !== null && typeof nonempty !== "boolean")
      problems.push(`${where(get(src, node, "required_sections_nonempty"))}: 'required_sections_nonempty' must be true or false`);
    const depthNode = get(src, node, "max_heading_depth");
    const depth = depthNode === undefined ? undefined : isScalar(depthNode) ? Number(depthNode.value) : NaN;
    if (depth !== undefined && !(Number.isInteger(depth) && depth >= 1 && depth <= 6))
      problems.push(`${where(depthNode)}: 'max_heading_depth' must be a whole number from 1 to 6`);
    return {
      paths: paths ?? [],
      requiredHeadings: headings ?? [],
      requiredSectionsNonempty: nonempty === true,
      ...(depth !== undefined ? { maxHeadingDepth: depth } : {}),
    };
  });
  if (problems.length > 0) throw new ReportSchemaError(`invalid report schema:\n${problems.join("\n")}`);
  return specs.filter((s): s is ReportSpec => s !== undefined);
}

export interface Heading {
  level: number;
  text: string;
  line: number;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function normalize(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}

/** The document's lines, with those inside fenced code blocks blanked so that `# comment` in code is no heading. */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split(/\r?\n/).map((line) => {
    const m = FENCE.exec(line);
    if (fence === undefined && m) {
      fence = (m[1] as string)[0]?.repeat((m[1] as string).length);
      return "";
    }
    if (fence !== undefined) {
      if (m && (m[1] as string).startsWith(fence) && line.trim().replace(/[`~]/g, "") === "") fence = undefined;
      return "";
    }
    return line;
  });
}

export function markdownHeadings(text: string): Heading[] {
  return proseLines(text).flatMap((line, i) => {
    const m = ATX.exec(line);
    return m ? [{ level: (m[1] as string).length, text: (m[2] ?? "").trim(), line: i + 1 }] : [];
  });
}

function parseRequired(spec: string): { level?: number; text: string } {
  const m = /^(#{1,6})\s+(.*)$/.exec(spec.trim());
  return m ? { level: (m[1] as string).length, text: normalize(m[2] as string) } : { text: normalize(spec) };
}

/** Whether a section (the lines after its heading up to the next heading of its level or above) has content. */
function sectionHasContent(lines: string[], headings: Heading[], at: Heading): boolean {
  const next = headings.find((h) => h.line > at.line && h.level <= at.level);
  const body = lines.slice(at.line, next === undefined ? lines.length : next.line - 1).join("\n");
  return body.replace(/<!--[\s\S]*?-->/g, "").trim() !== "";
}

export function checkReport(path: string, text: string, spec: ReportSpec): Finding[] {
  const findings: Finding[] = [];
  const headings = markdownHeadings(text);
  const lines = proseLines(text);
  for (const required of spec.requiredHeadings) {
    const want = parseRequired(required);
    const found = headings.find((h) => normalize(h.text) === want.text && (want.level === undefined || h.level === want.level));
    if (found === undefined) {
      findings.push({
        ruleId: "report-missing-heading",
        severity: "error",
        message: `the report has no '${required}' heading`,
        file: path,
        hint: `add a '${required}' section`,
      });
    } else if (spec.requiredSectionsNonempty && !sectionHasContent(lines, headings, found)) {
      findings.push({
        ruleId: "report-empty-section",
        severity: "error",
        message: `the '${required}' section is empty`,
        file: path,
        line: found.line,
        col: 1,
        hint: "write the section's content, or say why there is none",
      });
    }
  }
  if (spec.maxHeadingDepth !== undefined) {
    for (const h of headings.filter((x) => x.level > (spec.maxHeadingDepth as number))) {
      findings.push({
        ruleId: "report-heading-depth",
        severity: "warning",
        message: `heading level ${h.level} is deeper than the schema's maximum of ${spec.maxHeadingDepth}`,
        file: path,
        line: h.line,
        col: 1,
        hint: `use at most ${"#".repeat(spec.maxHeadingDepth)} headings`,
      });
    }
  }
  return findings;
}
