// A streaming XML tokenizer for report files. A JUnit file from a large suite runs to
// tens of megabytes, so input arrives in chunks and only the unfinished construct at
// the end of a chunk is kept: long text and CDATA (captured test output) are handed
// on in pieces, never held whole. It checks well-formedness (nesting, quoting,
// entities) because a truncated or corrupt report must be an error with a position,
// not a silent partial result. It accepts several root elements one after another,
// as happens when tools concatenate reports. DTDs are skipped, not interpreted.
import { IngestError } from "./ingest-error.js";

export type XmlAttributes = Record<string, string>;

export interface XmlHandler {
  openTag(name: string, attrs: XmlAttributes): void;
  /** Also called right after openTag for a self-closing tag. */
  closeTag(name: string): void;
  /** Decoded character data; one text node may arrive in several calls. */
  text(text: string): void;
}

const TEXT = 0;
const CDATA = 1;
const COMMENT = 2;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const CR = 0x0d;
const AMP = 0x26;

/** Longer than any valid reference, '&' and ';' included: the five predefined entities, "&#x10FFFF;". */
const MAX_REFERENCE = 32;

const PREDEFINED = new Map([
  ["lt", "<"],
  ["gt", ">"],
  ["amp", "&"],
  ["quot", '"'],
  ["apos", "'"],
]);

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === CR;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;
}

export class XmlTokenizer {
  private buf = "";
  private pos = 0;
  /** Line number of buf[0], and how many characters of that line precede it. */
  private lineOfStart = 1;
  private columnOfStart = 0;
  private mode = TEXT;
  /** Buffer index where the open CDATA section or comment began; negative once dropped. */
  private sectionStart = 0;
  /** Where that section began, kept when its start leaves the buffer. */
  private sectionPosition = { line: 1, column: 1 };
  /** Buffer index of the construct being handled, where errors point. */
  private mark = 0;
  private readonly stack: string[] = [];
  private rootSeen = false;
  private atStart = true;
  /** What the values of the last start tag scanned hold that needs decoding: '&', or tabs and newlines. */
  private tagHasAmp = false;
  private tagHasControl = false;

  constructor(
    private readonly handler: XmlHandler,
    private readonly source: string,
  ) {}

  write(chunk: string): void {
    if (chunk.length === 0) return;
    if (this.atStart && chunk.length > 0) {
      this.atStart = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.pos > 0) this.dropConsumed();
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    this.run(false);
  }

  end(): void {
    this.run(true);
    const open = this.stack[this.stack.length - 1];
    if (open !== undefined) this.fail(`unexpected end of input: <${open}> is not closed`, this.buf.length);
    if (!this.rootSeen) this.fail("no root element (the file is empty or has no XML element)", this.buf.length);
  }

  /** Throws an error located at the tag being handled; for handlers that reject a document. */
  fail(reason: string, at: number = this.mark): never {
    const { line, column } = this.positionAt(at);
    throw new IngestError(this.source, reason, line, column);
  }

  private failSection(reason: string): never {
    const { line, column } = this.sectionStart >= 0 ? this.positionAt(this.sectionStart) : this.sectionPosition;
    throw new IngestError(this.source, reason, line, column);
  }

  private positionAt(at: number): { line: number; column: number } {
    let line = this.lineOfStart;
    let lineStart = -this.columnOfStart;
    const limit = Math.min(Math.max(at, 0), this.buf.length);
    for (let i = this.buf.indexOf("\n"); i !== -1 && i < limit; i = this.buf.indexOf("\n", i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return { line, column: limit - lineStart + 1 };
  }

  private dropConsumed(): void {
    const { buf, pos } = this;
    if (this.mode !== TEXT && this.sectionStart >= 0) this.sectionPosition = this.positionAt(this.sectionStart);
    let last = -1;
    for (let i = buf.indexOf("\n"); i !== -1 && i < pos; i = buf.indexOf("\n", i + 1)) {
      this.lineOfStart++;
      last = i;
    }
    this.columnOfStart = last === -1 ? this.columnOfStart + pos : pos - last - 1;
    this.buf = buf.slice(pos);
    this.sectionStart -= pos;
    this.mark -= pos;
    this.pos = 0;
  }

  private run(final: boolean): void {
    const buf = this.buf;
    const len = buf.length;
    while (this.pos < len) {
      const pos = this.pos;
      if (this.mode === CDATA) {
        const close = buf.indexOf("]]>", pos);
        if (close === -1) {
          if (final) this.failSection("CDATA section is not closed");
          // Keep a possible "]]" and a CR whose LF may follow in the next chunk.
          let safe = len - 2;
          if (safe > pos && buf.charCodeAt(safe - 1) === CR) safe--;
          if (safe > pos) {
            this.handler.text(normalizeNewlines(buf.slice(pos, safe)));
            this.pos = safe;
          }
          return;
        }
        if (close > pos) this.handler.text(normalizeNewlines(buf.slice(pos, close)));
        this.pos = close + 3;
        this.mode = TEXT;
        continue;
      }
      if (this.mode === COMMENT) {
        const close = buf.indexOf("-->", pos);
        if (close === -1) {
          if (final) this.failSection("comment is not closed");
          this.pos = Math.max(pos, len - 2);
          return;
        }
        this.pos = close + 3;
        this.mode = TEXT;
        continue;
      }
      if (buf.charCodeAt(pos) !== LT) {
        let end = buf.indexOf("<", pos);
        if (end === -1) {
          end = len;
          if (!final) {
            // An entity reference or a CRLF may be cut by the chunk boundary. References are
            // short, so a '&' further back without its ';' is an error the decoder will report.
            const amp = buf.lastIndexOf("&");
            if (amp >= pos && amp > len - MAX_REFERENCE && buf.indexOf(";", amp) === -1) end = amp;
            if (end > pos && buf.charCodeAt(end - 1) === CR) end--;
          }
        }
        if (end > pos) this.textNode(pos, end);
        this.pos = end;
        if (end < len && buf.charCodeAt(end) !== LT) return;
        continue;
      }
      this.mark = pos;
      if (pos + 1 >= len) {
        if (final) this.fail("unexpected end of input after '<'");
        return;
      }
      const next = buf.charCodeAt(pos + 1);
      if (next === SLASH) {
        const gt = buf.indexOf(">", pos + 2);
        if (gt === -1) {
          if (final) this.fail("end tag is not closed");
          return;
        }
        const name = buf.slice(pos + 2, gt).trimEnd();
        const open = this.stack.pop();
        if (open === undefined) this.fail(`</${name}> has no matching start tag`);
        if (open !== name) this.fail(`expected </${open}>, found </${name}>`);
        this.pos = gt + 1;
        this.handler.closeTag(name);
        continue;
      }
      if (next === QUESTION) {
        const close = buf.indexOf("?>", pos + 2);
        if (close === -1) {
          if (final) this.fail("processing instruction is not closed");
          return;
        }
        this.pos = close + 2;
        continue;
      }
      if (next === BANG) {
        if (buf.startsWith("<!--", pos)) {
          this.mode = COMMENT;
          this.sectionStart = pos;
          this.pos = pos + 4;
        } else if (buf.startsWith("<![CDATA[", pos)) {
          if (this.stack.length === 0) this.fail("CDATA section outside the root element");
          this.mode = CDATA;
          this.sectionStart = pos;
          this.pos = pos + 9;
        } else if (buf.startsWith("<!DOCTYPE", pos)) {
          const close = this.doctypeEnd(pos + 9);
          if (close === -1) {
            if (final) this.fail("DOCTYPE is not closed");
            return;
          }
          this.pos = close + 1;
        } else {
          if (!final && len - pos < 9) return;
          this.fail("unexpected '<!' (not a comment, CDATA section or DOCTYPE)");
        }
        continue;
      }
      if (!isNameStart(next)) this.fail("'<' not followed by a tag name (a literal '<' must be written &lt;)");
      const gt = this.startTagEnd(pos + 1);
      if (gt === -1) {
        if (final) this.fail("start tag is not closed");
        return;
      }
      this.pos = gt + 1;
      this.startTag(pos, gt);
    }
  }

  private doctypeEnd(from: number): number {
    const buf = this.buf;
    let depth = 0;
    for (let i = from; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c === 0x5b) depth++;
      else if (c === 0x5d) depth--;
      else if (c === GT && depth <= 0) return i;
    }
    return -1;
  }

  /** Index of the '>' ending a start tag, skipping quoted attribute values; -1 when not in the buffer yet. */
  private startTagEnd(from: number): number {
    const buf = this.buf;
    let quote = 0;
    let amp = false;
    let control = false;
    for (let i = from; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
        else if (c === AMP) amp = true;
        else if (c < 0x20) control = true;
      } else if (c === DQUOTE || c === SQUOTE) {
        quote = c;
      } else if (c === GT) {
        this.tagHasAmp = amp;
        this.tagHasControl = control;
        return i;
      } else if (c === LT) {
        this.fail("'<' inside a tag (is the tag before it closed?)", i);
      }
    }
    return -1;
  }

  private startTag(start: number, gt: number): void {
    const buf = this.buf;
    const selfClosing = buf.charCodeAt(gt - 1) === SLASH;
    const end = selfClosing ? gt - 1 : gt;
    let i = start + 1;
    while (i < end && !isSpace(buf.charCodeAt(i))) i++;
    const name = buf.slice(start + 1, i);
    const attrs: XmlAttributes = {};
    for (;;) {
      while (i < end && isSpace(buf.charCodeAt(i))) i++;
      if (i >= end) break;
      const nameStart = i;
      while (i < end && !isSpace(buf.charCodeAt(i)) && buf.charCodeAt(i) !== EQUALS) i++;
      const attr = buf.slice(nameStart, i);
      if (!isNameStart(attr.charCodeAt(0))) this.fail(`unexpected '${attr[0] ?? ""}' in <${name}>`, nameStart);
      while (i < end && isSpace(buf.charCodeAt(i))) i++;
      if (buf.charCodeAt(i) !== EQUALS || i >= end) this.fail(`attribute ${attr} of <${name}> has no value`, nameStart);
      i++;
      while (i < end && isSpace(buf.charCodeAt(i))) i++;
      const quote = buf.charCodeAt(i);
      if (i >= end || (quote !== DQUOTE && quote !== SQUOTE)) this.fail(`value of attribute ${attr} of <${name}> is not quoted`, i);
      const close = buf.indexOf(quote === DQUOTE ? '"' : "'", i + 1);
      const raw = buf.slice(i + 1, close);
      const lt = raw.indexOf("<");
      if (lt !== -1) this.fail(`'<' in the value of attribute ${attr} (it must be written &lt;)`, i + 1 + lt);
      if (Object.hasOwn(attrs, attr)) this.fail(`attribute ${attr} repeated in <${name}>`, nameStart);
      // A "__proto__" attribute would replace the object's prototype; no report format uses one.
      if (attr !== "__proto__")
        attrs[attr] = this.tagHasAmp || this.tagHasControl ? this.decode(raw, i + 1, this.tagHasControl ? normalizeAttributeSpace : same) : raw;
      i = close + 1;
    }
    if (this.stack.length === 0) this.rootSeen = true;
    if (!selfClosing) this.stack.push(name);
    this.handler.openTag(name, attrs);
    if (selfClosing) this.handler.closeTag(name);
  }

  private textNode(start: number, end: number): void {
    const raw = this.buf.slice(start, end);
    if (this.stack.length === 0) {
      const stray = raw.search(/\S/);
      if (stray !== -1) this.fail("text outside the root element", start + stray);
      return;
    }
    this.handler.text(this.decode(raw, start, normalizeNewlines));
  }

  /** Expands entity references, normalizing the literal text between them (not what they expand to). */
  private decode(raw: string, at: number, normalize: (s: string) => string): string {
    let amp = raw.indexOf("&");
    if (amp === -1) return normalize(raw);
    let out = "";
    let last = 0;
    while (amp !== -1) {
      out += normalize(raw.slice(last, amp));
      const semi = raw.indexOf(";", amp + 1);
      const ref = semi === -1 ? "" : raw.slice(amp + 1, semi);
      if (semi === -1 || !/^(?:#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*)$/.test(ref)) {
        this.fail("'&' not followed by an entity reference (a literal '&' must be written &amp;)", at + amp);
      }
      if (ref.charCodeAt(0) === 0x23) {
        const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.fail(`invalid character reference &${ref};`, at + amp);
        out += String.fromCodePoint(code);
      } else {
        const ch = PREDEFINED.get(ref);
        if (ch === undefined) this.fail(`unknown entity &${ref}; (only &lt; &gt; &amp; &quot; &apos; and character references are defined)`, at + amp);
        out += ch;
      }
      last = semi + 1;
      amp = raw.indexOf("&", last);
    }
    return out + normalize(raw.slice(last));
  }
}

function normalizeNewlines(s: string): string {
  return s.indexOf("\r") === -1 ? s : s.replace(/\r\n?/g, "\n");
}

/** In attribute values literal whitespace becomes a space, as XML requires. */
function normalizeAttributeSpace(s: string): string {
  return s.replace(/\r\n|[\t\n\r]/g, " ");
}

function same(s: string): string {
  return s;
}
