import { test } from "node:test";
import assert from "node:assert/strict";
import { Masker } from "./masker.js";

function masker(...values: string[]): Masker {
  const m = new Masker();
  for (const v of values) m.add(v);
  return m;
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString("base64");

test("nothing registered leaves text alone", () => {
  assert.equal(new Masker().mask("hello"), "hello");
  assert.equal(masker("x").mask(""), "");
});

test("a secret in the middle of a line, several times", () => {
  assert.equal(masker("s3cr3t").mask("token=s3cr3t; again s3cr3t!"), "token=***; again ***!");
});

test("overlapping and touching secrets merge into one ***, whichever order they were added", () => {
  assert.equal(masker("abcd", "cdef").mask("xabcdefx"), "x***x");
  assert.equal(masker("cdef", "abcd").mask("xabcdefx"), "x***x");
  assert.equal(masker("abc", "def").mask("abcdef"), "***");
  assert.equal(masker("bc", "abcd").mask("abcde"), "***e");
  assert.equal(masker("aa").mask("aaaaa"), "***");
});

test("a longer secret ending later reaches back over earlier matches", () => {
  assert.equal(masker("b1", "c2", "a0b1c2d3").mask("_a0b1c2d3_"), "_***_");
  assert.equal(masker("xyz", "wxyzab").mask("wxyzab wxyz"), "*** w***");
});

test("a multi-line secret: the whole value and each trimmed line", () => {
  const m = masker("first line\n  second line  \r\nthird\n\n");
  assert.equal(m.mask("a first line b"), "a *** b");
  assert.equal(m.mask("second line"), "***");
  assert.equal(m.mask("  second line  "), "  ***  ");
  assert.equal(m.mask("third"), "***");
  assert.equal(m.mask("first line\n  second line  \r\nthird\n\n"), "***");
  assert.equal(m.mask("first line\nsecond line\nthird"), "***\n***\n***");
});

test("addSecret trims the value first, as GitHub does with secrets", () => {
  const m = new Masker();
  m.addSecret("  padded  ");
  assert.equal(m.mask("[  padded  ]"), "[  ***  ]");
});

test("empty and whitespace-only values are ignored; short ones are not", () => {
  const m = masker("", "   ", "\n\t");
  assert.equal(m.mask("a b\tc"), "a b\tc");
  assert.equal(masker("q").mask("quiq"), "***ui***");
});

test("regular expression metacharacters are plain text", () => {
  const secret = "a.b*c+(d)[e]{2}^$|\\?";
  const m = masker(secret);
  assert.equal(m.mask(`x${secret}y`), "x***y");
  assert.equal(m.mask("aXbbbc+(d)[e]{2}^$|\\?"), "aXbbbc+(d)[e]{2}^$|\\?");
});

test("the runner's base64 forms: the value, and the value shifted by one and two bytes", () => {
  const secret = "user:password123";
  const m = masker(secret);
  assert.equal(m.mask(b64(secret)), "***");
  // base64(prefix + secret) ends with the encoding of the secret's tail at one of three alignments.
  for (const prefix of ["", "a", "ab", "abc"]) {
    const blob = b64(prefix + secret);
    assert.match(m.mask(blob), /\*\*\*$/, `prefix ${JSON.stringify(prefix)}: ${m.mask(blob)}`);
  }
});

test("base64 of the secret inside a longer blob is masked at each of the three offsets", () => {
  const secret = "correct horse battery staple";
  const m = masker(secret);
  for (const prefix of ["Authorization: ", "Authorization: x", "Authorization: xy"]) {
    const blob = b64(`${prefix}${secret} and more text after it`);
    const masked = m.mask(blob);
    assert.match(masked, /\*\*\*/, `prefix length ${prefix.length}: ${masked}`);
    // What is left shows neither the secret's encoding nor enough of it to decode.
    const visible = masked.split("***");
    assert.equal(visible.length, 2);
    const secretChars = Math.ceil((secret.length * 4) / 3);
    assert.ok(blob.length - visible.join("").length >= secretChars - 4, masked);
  }
  // `echo "$SECRET" | base64` encodes a trailing newline.
  assert.equal(m.mask(b64(`${secret}\n`)).startsWith("***"), true);
});

test("very short secrets do not register tiny base64 fragments", () => {
  const m = masker("abc");
  assert.equal(m.mask("YWJj"), "***");
  assert.equal(m.mask("Ym Y"), "Ym Y");
});

test("JSON-, URL-, XML- and quote-escaped forms are masked", () => {
  const secret = `p"a\\ss w'rd<&>`;
  const m = masker(secret);
  assert.equal(m.mask(JSON.stringify({ secret })), '{"secret":"***"}');
  assert.equal(m.mask(`https://x/?q=${encodeURIComponent(secret).replace("'", "%27")}`), "https://x/?q=***");
  assert.equal(m.mask("p&quot;a\\ss w&apos;rd&lt;&amp;&gt;"), "***");
  assert.equal(m.mask(`'p"a\\ss w''rd<&>'`), "'***'");
  assert.equal(m.mask(`p\\"a\\ss w'rd<&>`), "***");
  const newline = masker("line1\nline2");
  assert.equal(newline.mask('"line1\\nline2"'), '"***"');
});

test("a secret in double quotes also masks its inside", () => {
  assert.equal(masker('"quoted-secret"').mask("quoted-secret"), "***");
});

test("masking many secrets over many lines stays fast", () => {
  const m = new Masker();
  for (let i = 0; i < 500; i++) m.add(`secret-value-${i}-${"x".repeat(i % 17)}`);
  const line = "an ordinary log line with nothing to hide, repeated ".repeat(4);
  const start = performance.now();
  for (let i = 0; i < 20000; i++) m.mask(line);
  const elapsed = performance.now() - start;
  assert.ok(elapsed < 3000, `${elapsed} ms`);
  assert.equal(m.mask("a secret-value-42-xxxxxxxx b"), "a *** b");
});

test("a line cut short hides the beginning of a secret it ends in, as well as whole ones", () => {
  const m = new Masker();
  m.addSecret("hunter2-sekret");
  assert.equal(m.maskCut("token hunter2-sek"), "token ***");
  assert.equal(m.maskCut("a hunter2-sekret and hunt"), "a *** and ***");
  assert.equal(m.maskCut("nothing to hide"), "nothing to hide");
});
