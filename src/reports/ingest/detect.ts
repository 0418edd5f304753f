// Which kind of report a file is, from its first bytes: report globs are loose (a
// `reports/**` may hold JUnit, coverage and SARIF side by side) and names carry no rule.
import { closeSync, openSync, readSync } from "node:fs";

export type ReportKind = "junit" | "coverage" | "sarif";

const SNIFF_BYTES = 64 * 1024;

/** The name of the first element, past the XML declaration, comments and DOCTYPE. */
function firstElement(text: string): string | undefined {
  let i = 0;
  for (;;) {
    i = text.indexOf("<", i);
    if (i === -1) return undefined;
    if (text.startsWith("<?", i)) i = text.indexOf("?>", i);
    else if (text.startsWith("<!--", i)) i = text.indexOf("-->", i);
    else if (text.startsWith("<!", i)) i = text.indexOf(">", i);
    else return /^<([^\s/>]+)/.exec(text.slice(i, i + 200))?.[1];
    if (i === -1) return undefined;
  }
}

/** The kind of report `head` (the start of a file) is, or undefined when it is none of them. */
export function sniffReportKind(head: string): ReportKind | undefined {
  const text = (head.charCodeAt(0) === 0xfeff ? head.slice(1) : head).trimStart();
  if (text.startsWith("<")) {
    const root = firstElement(text);
    if (root === "testsuites" || root === "testsuite") return "junit";
    if (root === "coverage") return "coverage";
    return undefined;
  }
  if (text.startsWith("{")) {
    if (/"\$schema"\s*:\s*"[^"]*sarif/i.test(text) || (/"runs"\s*:\s*\[/.test(text) && /"version"\s*:\s*"2\.1\.0"/.test(text))) return "sarif";
    if (/"(?:statementMap|executed_lines|missing_lines)"\s*:/.test(text)) return "coverage";
    if (/"total"\s*:\s*\{\s*"lines"\s*:/.test(text)) return "coverage";
    return undefined;
  }
  if (/^(?:TN|SF|VER):/.test(text)) return "coverage";
  return undefined;
}

/** Reads the start of a file to tell its report kind; undefined for other or unreadable files. */
export function detectReportKind(path: string): ReportKind | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const bytes = buf.subarray(0, readSync(fd, buf, 0, SNIFF_BYTES, 0));
    const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe;
    return sniffReportKind(new TextDecoder(utf16 ? "utf-16le" : "utf-8").decode(bytes));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
