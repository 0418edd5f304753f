import assert from "node:assert/strict";
import { test } from "node:test";
import { compareSemver, parseSemver } from "./semver.js";

function compare(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  assert.ok(x, `${a} parses`);
  assert.ok(y, `${b} parses`);
  return compareSemver(x, y);
}

function assertAscending(versions: string[]): void {
  for (let i = 0; i < versions.length; i++) {
    for (let j = 0; j < versions.length; j++) {
      assert.equal(compare(versions[i] as string, versions[j] as string), Math.sign(i - j), `${versions[i]} vs ${versions[j]}`);
    }
  }
}

test("pre-releases order as the semver 2.0.0 precedence example", () => {
  assertAscending(["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]);
});

test("major, minor and patch compare numerically", () => {
  assertAscending(["0.0.1", "0.1.0", "0.9.0", "0.10.0", "1.0.0", "1.2.3", "1.2.10", "1.10.0", "2.0.0-0", "2.0.0", "10.0.0"]);
});

test("numeric identifiers rank below alphanumeric ones; hyphens are letters", () => {
  assertAscending(["1.0.0-1", "1.0.0-2", "1.0.0-10", "1.0.0--", "1.0.0-A", "1.0.0-a", "1.0.0-a-b", "1.0.0-b"]);
});

test("build metadata and npm's loose prefixes do not change precedence", () => {
  assert.equal(compare("1.0.0+build.5", "1.0.0"), 0);
  assert.equal(compare("1.0.0-rc.1+sha.abc", "1.0.0-rc.1"), 0);
  assert.equal(compare("v1.2.3", "1.2.3"), 0);
  assert.equal(compare("=1.2.3", "1.2.3"), 0);
});

test("bounds written short, as advisories do, fill in zeros", () => {
  assert.equal(compare("0", "0.0.0"), 0);
  assert.equal(compare("2.1", "2.1.0"), 0);
  assert.equal(compare("2.1", "2.0.9"), 1);
});

test("strings that are not versions are rejected", () => {
  for (const bad of ["", "latest", "1.0.0-", "1.0.0-a..b", "1.0.0+", "^1.0.0", "git+https://x/y.git", "1.0.0 2.0.0", "a.b.c"])
    assert.equal(parseSemver(bad), undefined, bad);
});
