import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../../../test/support/git-repo.js";
import { makeZip } from "../../../test/support/zip-writer.js";
import { crc32, ZipError, ZipReader } from "./zip.js";

const dir = tempDir("tierci-zip-");
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, data: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

function readAll(path: string): Record<string, string> {
  const zip = ZipReader.open(path);
  try {
    return Object.fromEntries(zip.entries.map((e) => [e.name, zip.read(e).toString("utf8")]));
  } finally {
    zip.close();
  }
}

test("CRC-32 matches the standard check value", () => {
  assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
  assert.equal(crc32(Buffer.alloc(0)), 0);
});

test("stored and deflated members read back, behind an archive comment", () => {
  const big = "x".repeat(100_000);
  const path = write(
    "plain.zip",
    makeZip(
      [
        { name: "a.json", data: '{"id":"A"}' },
        { name: "dir/b.txt", data: big, store: true },
        { name: "empty", data: "" },
      ],
      { comment: "an archive comment" },
    ),
  );
  assert.deepEqual(readAll(path), { "a.json": '{"id":"A"}', "dir/b.txt": big, empty: "" });
});

test("Zip64 end records and extra fields are followed", () => {
  const path = write(
    "zip64.zip",
    makeZip(
      [
        { name: "one.json", data: "1" },
        { name: "two.json", data: "22", store: true },
      ],
      { zip64: true },
    ),
  );
  const zip = ZipReader.open(path);
  try {
    assert.deepEqual(
      zip.entries.map((e) => [e.name, e.size]),
      [
        ["one.json", 1],
        ["two.json", 2],
      ],
    );
  } finally {
    zip.close();
  }
  assert.deepEqual(readAll(path), { "one.json": "1", "two.json": "22" });
});

test("a damaged member or a file that is not a zip is an error, not empty data", () => {
  const good = makeZip([{ name: "a.json", data: "hello hello hello", store: true }]);
  const damaged = Buffer.from(good);
  damaged[30 + "a.json".length] = "j".charCodeAt(0);
  const path = write("damaged.zip", damaged);
  assert.throws(
    () => readAll(path),
    (err: unknown) => err instanceof ZipError && /corrupt/.test(err.message),
  );
  assert.throws(() => ZipReader.open(write("text.zip", Buffer.from("not a zip at all"))), /not a zip file/);
});
