import assert from "node:assert/strict";
import { test } from "node:test";
import { aliasBomb, parseYamlSource } from "./yaml-tree.js";

const LAUGHS = [
  "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
  ..."bcdefghi".split("").map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(", ")}]`),
].join("\n");

test("a billion laughs is found in well under a second, at the alias that passes the limit", () => {
  const start = Date.now();
  const found = aliasBomb(parseYamlSource("bomb.yml", LAUGHS));
  assert.ok(Date.now() - start < 1000);
  assert.ok(found);
  assert.match(found.anchor, /^[a-i]$/);
  assert.ok(found.pos.line >= 1);
});

test("a large document without aliases, and ordinary anchors, are not bombs", () => {
  const big = ["jobs:", ...Array.from({ length: 60_000 }, (_, i) => `  j${i}: {runs-on: ubuntu-latest, steps: [{run: echo}]}`)].join("\n");
  assert.equal(aliasBomb(parseYamlSource("big.yml", big)), undefined);
  const anchors = "defaults: &d {runs-on: ubuntu-latest, timeout-minutes: 5}\njobs:\n  a: *d\n  b: *d\n  c: *d\n";
  assert.equal(aliasBomb(parseYamlSource("ok.yml", anchors)), undefined);
});
