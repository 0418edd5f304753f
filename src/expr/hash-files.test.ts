import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ExpressionEvalError, evaluateExpression } from "./evaluate.js";
import { hashFiles } from "./hash-files.js";

let root: string;
let ws: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(ws, path)), { recursive: true });
  writeFileSync(join(ws, path), text);
}

/** The runner's result for files hashed in this order. */
function expected(...paths: string[]): string {
  const outer = createHash("sha256");
  for (const p of paths)
    outer.update(
      createHash("sha256")
        .update(readFileSync(join(ws, p)))
        .digest(),
    );
  return outer.digest("hex");
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "tierci-hashfiles-"));
  ws = join(root, "ws");
  write("a.txt", "a");
  write("b.txt", "b");
  write("sub/c.txt", "c");
  write("sub/d.log", "d");
  write("sub/deep/e.txt", "e");
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("hashFiles", () => {
  test("hashes matches depth first, directory entries in order", () => {
    assert.equal(hashFiles(ws, ["**/*.txt"]), expected("a.txt", "b.txt", "sub/c.txt", "sub/deep/e.txt"));
  });

  test("patterns searching from the same directory may be listed in any order", () => {
    assert.equal(hashFiles(ws, ["**/*.txt", "**/*.log"]), hashFiles(ws, ["**/*.log", "**/*.txt"]));
    assert.equal(hashFiles(ws, ["**/*.log\n**/*.txt"]), hashFiles(ws, ["**/*.txt", "**/*.log"]));
  });

  test("patterns with different literal prefixes are searched in the order given, as @actions/glob does", () => {
    assert.equal(hashFiles(ws, ["sub/*.txt", "a.txt"]), expected("sub/c.txt", "a.txt"));
    assert.equal(hashFiles(ws, ["a.txt", "sub/*.txt"]), expected("a.txt", "sub/c.txt"));
  });

  test("no match gives the empty string", () => {
    assert.equal(hashFiles(ws, ["**/*.nothing"]), "");
    assert.equal(hashFiles(ws, ["missing/dir/**"]), "");
  });

  test("a negation removes what the patterns before it matched", () => {
    assert.equal(hashFiles(ws, ["**/*.txt", "!sub/**"]), expected("a.txt", "b.txt"));
    assert.equal(hashFiles(ws, ["**/*.txt", "!**/deep"]), expected("a.txt", "b.txt", "sub/c.txt"));
    // A later pattern matches again.
    assert.equal(hashFiles(ws, ["!sub/**", "**/c.txt"]), expected("sub/c.txt"));
  });

  test("a directory pattern hashes everything below it, and directories themselves are skipped", () => {
    assert.equal(hashFiles(ws, ["sub"]), expected("sub/c.txt", "sub/d.log", "sub/deep/e.txt"));
    assert.equal(hashFiles(ws, ["sub/"]), hashFiles(ws, ["sub"]));
    assert.equal(hashFiles(ws, ["**/deep"]), expected("sub/deep/e.txt"));
  });

  test("comments, blank lines and the leading ./ are accepted", () => {
    assert.equal(hashFiles(ws, ["# comment\n\n./a.txt"]), expected("a.txt"));
  });

  test("files outside the workspace are skipped", () => {
    writeFileSync(join(root, "outside.txt"), "outside");
    assert.equal(hashFiles(ws, [join(root, "outside.txt")]), "");
    assert.equal(hashFiles(ws, [`${root}/*.txt`]), "");
    // An absolute pattern naming the workspace counts like a relative one.
    assert.equal(hashFiles(ws, [join(ws, "a.txt")]), expected("a.txt"));
    assert.equal(hashFiles(ws, [`${root}/**/a.txt`]), expected("a.txt"));
  });

  test("links count as what they point to; linked directories are entered only with --follow-symbolic-links", () => {
    mkdirSync(join(root, "outdir"));
    writeFileSync(join(root, "outdir", "x.txt"), "x");
    symlinkSync(join(root, "outdir", "x.txt"), join(ws, "link.txt"));
    symlinkSync(join(root, "outdir"), join(ws, "linkdir"));
    const linkedFile = expected("a.txt", "b.txt", "link.txt", "sub/c.txt", "sub/deep/e.txt");
    assert.equal(hashFiles(ws, ["**/*.txt"]), linkedFile);
    assert.equal(
      hashFiles(ws, ["--follow-symbolic-links", "**/*.txt"]),
      expected("a.txt", "b.txt", "link.txt", "linkdir/x.txt", "sub/c.txt", "sub/deep/e.txt"),
    );
    assert.throws(() => hashFiles(ws, ["--no-such-option", "**"]), /Invalid glob option/);
  });

  test("symlink cycles end when following links", () => {
    symlinkSync(ws, join(ws, "sub", "loop"));
    assert.equal(hashFiles(ws, ["--follow-symbolic-links", "**/e.txt"]), expected("sub/deep/e.txt"));
  });

  test(".git is not searched", () => {
    write(".git/config.txt", "git");
    assert.equal(hashFiles(ws, ["**/*.txt"]), expected("a.txt", "b.txt", "sub/c.txt", "sub/deep/e.txt"));
  });

  test("glob syntax as minimatch reads it under @actions/glob", () => {
    write("x(1).txt", "paren");
    write("{a,b}.txt", "brace");
    assert.equal(hashFiles(ws, ["[!ab].txt"]), "");
    assert.equal(hashFiles(ws, ["[!b].txt"]), expected("a.txt"));
    assert.equal(hashFiles(ws, ["?.txt"]), expected("a.txt", "b.txt"));
    assert.equal(hashFiles(ws, ["x(1)*"]), expected("x(1).txt"));
    assert.equal(hashFiles(ws, ["{a,b}*"]), expected("{a,b}.txt"));
  });

  test("relative pathing is an error", () => {
    assert.throws(() => hashFiles(ws, ["../*.txt"]), /Relative pathing/);
    assert.throws(() => hashFiles(ws, ["sub/./c.txt"]), /Relative pathing/);
  });

  test("through an expression, relative to the workspace option", () => {
    assert.equal(evaluateExpression("hashFiles('**/*.txt', '!sub/**')", {}, { workspace: ws }), expected("a.txt", "b.txt"));
    assert.equal(evaluateExpression("hashFiles('nothing')", {}, { workspace: ws }), "");
    assert.throws(
      () => evaluateExpression("hashFiles('**')", {}),
      (e: unknown) => e instanceof ExpressionEvalError && e.kind === "evaluation",
    );
  });
});
