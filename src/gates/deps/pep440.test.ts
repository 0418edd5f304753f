import assert from "node:assert/strict";
import { test } from "node:test";
import { comparePep440, normalizePypiName, parsePep440 } from "./pep440.js";

function compare(a: string, b: string): number {
  const x = parsePep440(a);
  const y = parsePep440(b);
  assert.ok(x, `${a} parses`);
  assert.ok(y, `${b} parses`);
  return comparePep440(x, y);
}

function assertAscending(versions: string[]): void {
  for (let i = 0; i < versions.length; i++) {
    for (let j = 0; j < versions.length; j++) {
      const expected = Math.sign(i - j);
      assert.equal(compare(versions[i] as string, versions[j] as string), expected, `${versions[i]} vs ${versions[j]}`);
    }
  }
}

test("pre, post and developmental releases order as PEP 440 says", () => {
  assertAscending([
    "1.0.dev1",
    "1.0a1.dev1",
    "1.0a1",
    "1.0a2",
    "1.0b2",
    "1.0b2.post1",
    "1.0rc1",
    "1.0",
    "1.0.post1.dev1",
    "1.0.post1",
    "1.0.post2",
    "1.1.dev1",
  ]);
});

test("the ordering example of PEP 440's summary holds end to end", () => {
  assertAscending([
    "1.dev0",
    "1.0.dev456",
    "1.0a1",
    "1.0a2.dev456",
    "1.0a12.dev456",
    "1.0a12",
    "1.0b1.dev456",
    "1.0b2",
    "1.0b2.post345.dev456",
    "1.0b2.post345",
    "1.0rc1.dev456",
    "1.0rc1",
    "1.0",
    "1.0+abc.5",
    "1.0+abc.7",
    "1.0+5",
    "1.0.post456.dev34",
    "1.0.post456",
    "1.0.15",
    "1.1.dev1",
  ]);
});

test("epochs outrank everything else", () => {
  assertAscending(["2024.1", "1!0.1", "1!1.0", "2!0.0.1"]);
});

test("local versions sort after their public version; numbers above text, longer above its prefix", () => {
  assertAscending(["1.0", "1.0+abc", "1.0+abc.1", "1.0+1", "1.0+1.1", "1.0+2"]);
});

test("spellings that normalize to one version are equal", () => {
  const same: [string, string][] = [
    ["1.0", "1.0.0"],
    ["1.0", "1.0.0.0"],
    ["v1.0", "1.0"],
    ["1.0alpha1", "1.0a1"],
    ["1.0-beta.2", "1.0b2"],
    ["1.0c1", "1.0rc1"],
    ["1.0pre1", "1.0rc1"],
    ["1.0preview1", "1.0rc1"],
    ["1.0-1", "1.0.post1"],
    ["1.0-r1", "1.0.post1"],
    ["1.0.rev1", "1.0.post1"],
    ["1.0.post", "1.0.post0"],
    ["1.0a", "1.0a0"],
    ["1.0-dev", "1.0.dev0"],
    ["1.0_DEV_3", "1.0.dev3"],
    ["0!1.0", "1.0"],
    ["  1.0\n", "1.0"],
    ["1.0+ubuntu-1", "1.0+ubuntu.1"],
    ["1.01", "1.1"],
  ];
  for (const [a, b] of same) assert.equal(compare(a, b), 0, `${a} == ${b}`);
});

test("numbers compare as numbers, however large", () => {
  assertAscending(["1.9", "1.10", "1.100", "20230101", "99999999999999999999"]);
});

test("strings that are not PEP 440 versions are rejected", () => {
  for (const bad of ["", "abc", "1.0.x", "1.0+", "1.0+a..b", "1.0-", "latest", "1.0 2.0", "==1.0"]) assert.equal(parsePep440(bad), undefined, bad);
});

test("project names normalize as PEP 503 says", () => {
  assert.equal(normalizePypiName("Django"), "django");
  assert.equal(normalizePypiName("zope.interface"), "zope-interface");
  assert.equal(normalizePypiName("Foo__Bar-.baz"), "foo-bar-baz");
  assert.equal(normalizePypiName("typing_extensions"), "typing-extensions");
});
