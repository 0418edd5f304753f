import assert from "node:assert/strict";
import { test } from "node:test";
import { LineSplitter } from "./process-tree.js";

function split(chunks: string[], max?: number): [string, number][] {
  const out: [string, number][] = [];
  const s = new LineSplitter((line, cut) => out.push([line, cut]), max);
  for (const c of chunks) s.push(Buffer.from(c));
  s.flush();
  return out;
}

test("lines across chunks, CRLF, and a last line without a newline", () => {
  assert.deepEqual(split(["a\r\nb", "c\n", "d"]), [
    ["a", 0],
    ["bc", 0],
    ["d", 0],
  ]);
});

test("a line over the limit keeps its first characters and counts the rest, across chunks", () => {
  assert.deepEqual(split(["abc", "defgh", "ij\nnext\n"], 4), [
    ["abcd", 6],
    ["next", 0],
  ]);
  assert.deepEqual(split(["x".repeat(10)], 3), [["xxx", 7]]);
});

test("a huge line without a newline holds no more than the limit in memory", () => {
  const out: [number, number][] = [];
  const s = new LineSplitter((line, cut) => out.push([line.length, cut]), 1000);
  const chunk = Buffer.alloc(64 * 1024, "z");
  for (let i = 0; i < 2000; i++) s.push(chunk);
  s.flush();
  assert.deepEqual(out, [[1000, 64 * 1024 * 2000 - 1000]]);
});
