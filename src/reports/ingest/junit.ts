// JUnit XML in the dialects CI tools write (pytest, Maven Surefire, jest-junit, Vitest,
// cargo-nextest, go-junit-report), streamed: each <testcase> becomes a TestCaseResult
// as soon as it closes, so memory stays bounded whatever the size of the file.
//
// Retries: Surefire and nextest list the failed runs of a test inside its <testcase>.
// flakyFailure/flakyError are failed runs of a test that finally passed; rerunFailure/
// rerunError are the runs after the first <failure>/<error> of a test that failed every
// time (its status follows that first failure, as Surefire's own summary does). Either
// way `retries` holds one entry per element, so the test ran 1 + retries.length times.
import { createReadStream } from "node:fs";
import { TextDecoder } from "node:util";
import type { TestAttempt, TestCaseResult, TestStatus } from "../../formats/report-types.js";
import { IngestError, readFailure } from "./ingest-error.js";
import { BoundedText, cutDetails, firstLine } from "./text-limits.js";
import { type XmlAttributes, type XmlHandler, XmlTokenizer } from "./xml-stream.js";

interface Outcome {
  status: TestStatus;
  message?: string;
  time?: string;
  text: BoundedText;
  /** Surefire puts the trace of a rerun or flaky run in a <stackTrace> child, nextest only its output. */
  trace?: BoundedText;
  err?: BoundedText;
  rerun: boolean;
}

interface CaseState {
  attrs: XmlAttributes;
  suite: SuiteFrame | undefined;
  main?: Outcome;
  skipped?: Outcome;
  attempts: Outcome[];
  out?: BoundedText;
  err?: BoundedText;
}

interface SuiteFrame {
  name: string;
  file?: string;
  parent: SuiteFrame | undefined;
}

/** Where text inside a <testcase> goes; one frame per element open inside it. */
interface Frame {
  into?: BoundedText;
  outcome?: Outcome;
}

const OUTCOMES = new Map<string, { status: TestStatus; kind: "main" | "skipped" | "flaky" | "rerun" }>([
  ["failure", { status: "failed", kind: "main" }],
  ["error", { status: "error", kind: "main" }],
  ["skipped", { status: "skipped", kind: "skipped" }],
  ["flakyFailure", { status: "failed", kind: "flaky" }],
  ["flakyError", { status: "error", kind: "flaky" }],
  ["rerunFailure", { status: "failed", kind: "rerun" }],
  ["rerunError", { status: "error", kind: "rerun" }],
]);

// A classname or suite name that is a source path (Vitest, jest-junit without describe
// blocks) is the best file we get when the report has no file attribute.
const SOURCE_PATH = /^[^\s<>:"|?*]+\.(?:[cm]?[jt]sx?|py|go|rs|java|kt|rb|php|cs|swift)$/;

/** `time` in seconds as the tools write it ("0.25", "1,234.5", "0,25" in some locales), in ms. */
export function parseSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  let t = value.trim();
  if (t === "") return undefined;
  if (t.includes(",")) {
    if (t.includes(".")) t = t.replaceAll(",", "");
    else t = t.indexOf(",") === t.lastIndexOf(",") ? t.replace(",", ".") : t.replaceAll(",", "");
  }
  const seconds = Number(t);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.round(seconds * 1e6) / 1e3;
}

function normalizePath(p: string): string {
  return p.replaceAll("\\", "/").replace(/^(?:\.\/)+/, "");
}

class JUnitBuilder implements XmlHandler {
  results: TestCaseResult[] = [];
  private suite: SuiteFrame | undefined;
  private current: CaseState | undefined;
  private readonly frames: Frame[] = [];
  private depth = 0;
  readonly tokenizer: XmlTokenizer;

  constructor(source: string) {
    this.tokenizer = new XmlTokenizer(this, source);
  }

  openTag(name: string, attrs: XmlAttributes): void {
    if (this.depth++ === 0 && name !== "testsuites" && name !== "testsuite") {
      this.tokenizer.fail(`not a JUnit report: the root element is <${name}>, not <testsuites> or <testsuite>`);
    }
    const c = this.current;
    if (c !== undefined) {
      this.frames.push(this.frameFor(c, name, attrs));
    } else if (name === "testsuite") {
      this.suite = { name: attrs.name ?? "", file: attrs.file ?? attrs.filepath, parent: this.suite };
    } else if (name === "testcase") {
      this.current = { attrs, suite: this.suite, attempts: [] };
    }
  }

  closeTag(name: string): void {
    this.depth--;
    const c = this.current;
    if (c !== undefined) {
      if (this.frames.pop() === undefined) {
        this.results.push(finish(c));
        this.current = undefined;
      }
    } else if (name === "testsuite") {
      this.suite = this.suite?.parent;
    }
  }

  text(text: string): void {
    this.frames[this.frames.length - 1]?.into?.append(text);
  }

  private frameFor(c: CaseState, name: string, attrs: XmlAttributes): Frame {
    const parent = this.frames[this.frames.length - 1];
    if (parent !== undefined) {
      // Below the testcase's children only a rerun/flaky run's trace and stderr matter.
      const outcome = this.frames.length === 1 ? parent.outcome : undefined;
      if (outcome === undefined) return {};
      if (name === "stackTrace") return { into: (outcome.trace ??= new BoundedText()) };
      if (name === "system-err") return { into: (outcome.err ??= new BoundedText()) };
      return {};
    }
    const kind = OUTCOMES.get(name);
    if (kind !== undefined) {
      const outcome: Outcome = { status: kind.status, message: attrs.message, time: attrs.time, text: new BoundedText(), rerun: kind.kind === "rerun" };
      if (kind.kind === "main") {
        if (c.main !== undefined) return {};
        c.main = outcome;
      } else if (kind.kind === "skipped") {
        if (c.skipped !== undefined) return {};
        c.skipped = outcome;
      } else {
        c.attempts.push(outcome);
      }
      return { into: outcome.text, outcome };
    }
    if (name === "system-out") return { into: (c.out ??= new BoundedText()) };
    if (name === "system-err") return { into: (c.err ??= new BoundedText()) };
    return {};
  }
}

/** go-junit-report writes message="Failed" on every failure; the useful line is in the text. */
function messageOf(attribute: string | undefined, details: string | undefined): string | undefined {
  const fromAttribute = firstLine(attribute);
  if (fromAttribute !== undefined && !(fromAttribute === "Failed" && details !== undefined)) return fromAttribute;
  return firstLine(details);
}

/** Consecutive test cases share their classname and suite, so the last answer is kept. */
let lastPathLike = { text: "", result: false };

function isSourcePath(text: string): boolean {
  if (text !== lastPathLike.text) lastPathLike = { text, result: SOURCE_PATH.test(text) };
  return lastPathLike.result;
}

function fileOf(attrs: XmlAttributes, suite: SuiteFrame | undefined): string | undefined {
  const own = attrs.file ?? attrs.filepath;
  if (own) return normalizePath(own);
  for (let s = suite; s !== undefined; s = s.parent) if (s.file) return normalizePath(s.file);
  if (attrs.classname !== undefined && isSourcePath(attrs.classname)) return normalizePath(attrs.classname);
  if (suite !== undefined && isSourcePath(suite.name)) return normalizePath(suite.name);
  return undefined;
}

/** pytest writes the 0-based line of the test function; its suite is named "pytest" unless configured otherwise. */
function lineOf(attrs: XmlAttributes, suite: SuiteFrame | undefined): number | undefined {
  if (attrs.line === undefined || !/^\s*\d+\s*$/.test(attrs.line)) return undefined;
  const n = Number(attrs.line);
  let pytest = false;
  for (let s = suite; s !== undefined && !pytest; s = s.parent) pytest = s.name === "pytest";
  return pytest ? n + 1 : n;
}

function finish(c: CaseState): TestCaseResult {
  const { attrs, suite } = c;
  const lastRerun = c.attempts.findLast((a) => a.rerun);
  const decisive = c.main ?? lastRerun;
  const status: TestStatus = decisive?.status ?? (c.skipped !== undefined ? "skipped" : "passed");
  const result: TestCaseResult = {
    suite: suite?.name || fileOf(attrs, undefined) || attrs.classname || "",
    name: attrs.name ?? "",
    status,
    durationMs: parseSeconds(attrs.time) ?? 0,
  };
  const classname = attrs.classname ?? attrs.class;
  if (classname) result.classname = classname;
  const file = fileOf(attrs, suite);
  if (file !== undefined) result.file = file;
  const line = lineOf(attrs, suite);
  if (line !== undefined) result.line = line;
  if (decisive !== undefined) {
    const multiLineMessage = decisive.message?.includes("\n") ? decisive.message : undefined;
    const details = decisive.text.result() ?? decisive.trace?.result() ?? cutDetails(multiLineMessage) ?? c.err?.result() ?? c.out?.result();
    const message = messageOf(decisive.message, details);
    if (message !== undefined) result.message = message;
    if (details !== undefined) result.details = details;
  } else if (c.skipped !== undefined) {
    const message = firstLine(c.skipped.message) ?? firstLine(c.skipped.text.result());
    if (message !== undefined) result.message = message;
  }
  if (c.attempts.length > 0) {
    result.retries = c.attempts.map((a) => {
      const attempt: TestAttempt = { status: a.status };
      const message = messageOf(a.message, a.text.result() ?? a.trace?.result() ?? a.err?.result());
      if (message !== undefined) attempt.message = message;
      const ms = parseSeconds(a.time);
      if (ms !== undefined) attempt.durationMs = ms;
      return attempt;
    });
  }
  return result;
}

/** Enough bytes for a BOM and an XML declaration. */
const SNIFF_BYTES = 256;

/**
 * The text encoding: a UTF-16 BOM, else the XML declaration's (older Java tools write
 * ISO-8859-1), else UTF-8. A UTF-16 declaration without a BOM is not believed: the bytes
 * it was read from were ASCII.
 */
function decoderFor(head: Uint8Array): TextDecoder {
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder("utf-16le");
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder("utf-16be");
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return new TextDecoder("utf-8");
  const declared = /^<\?xml[^>]*?\sencoding\s*=\s*["']([\w.:-]+)["']/.exec(new TextDecoder("latin1").decode(head))?.[1];
  if (declared !== undefined && !/^utf-?(?:8|16)/i.test(declared)) {
    try {
      return new TextDecoder(declared);
    } catch {
      // An encoding label TextDecoder does not know: UTF-8 is the best guess.
    }
  }
  return new TextDecoder("utf-8");
}

/** Turns byte chunks into text, holding the first bytes back until the encoding can be told. */
class ChunkDecoder {
  private decoder: TextDecoder | undefined;
  private head: Uint8Array[] = [];
  private headBytes = 0;

  decode(chunk: Uint8Array): string {
    if (this.decoder !== undefined) return this.decoder.decode(chunk, { stream: true });
    this.head.push(chunk);
    this.headBytes += chunk.length;
    return this.headBytes < SNIFF_BYTES ? "" : this.start();
  }

  end(): string {
    return (this.decoder === undefined ? this.start() : "") + (this.decoder?.decode() ?? "");
  }

  private start(): string {
    const head = Buffer.concat(this.head);
    this.head = [];
    this.decoder = decoderFor(head);
    return this.decoder.decode(head, { stream: true });
  }
}

/**
 * Test results from JUnit XML arriving in chunks (strings, or bytes in UTF-8, a UTF-16
 * with its BOM, or the encoding its XML declaration names). Results are yielded as their
 * <testcase> closes; a malformed document throws an IngestError with its line and column
 * after the results before the fault.
 */
export async function* readJUnitStream(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  source: string,
): AsyncGenerator<TestCaseResult> {
  const builder = new JUnitBuilder(source);
  const bytes = new ChunkDecoder();
  try {
    for await (const chunk of chunks) {
      builder.tokenizer.write(typeof chunk === "string" ? chunk : bytes.decode(chunk));
      if (builder.results.length > 0) {
        const batch = builder.results;
        builder.results = [];
        for (const r of batch) yield r;
      }
    }
  } catch (err) {
    // Errors from the source (a missing or unreadable file) carry a system error code.
    if (!(err instanceof IngestError) && err instanceof Error && "code" in err) throw readFailure(source, err);
    throw err;
  }
  builder.tokenizer.write(bytes.end());
  builder.tokenizer.end();
  for (const r of builder.results) yield r;
}

/** Test results of a JUnit XML file, read as a stream of chunks (see readJUnitStream). */
export function readJUnit(path: string): AsyncGenerator<TestCaseResult> {
  // The results of one chunk are held until the consumer takes them: 64 KB chunks (some 200
  // test cases) used a third less memory than 256 KB ones, at the same speed.
  return readJUnitStream(createReadStream(path, { highWaterMark: 64 * 1024 }), path);
}

/** Test results of a JUnit XML document held in a string. */
export function parseJUnit(xml: string, source = "<string>"): TestCaseResult[] {
  const builder = new JUnitBuilder(source);
  builder.tokenizer.write(xml);
  builder.tokenizer.end();
  return builder.results;
}
