import assert from "node:assert/strict";
import { test } from "node:test";
import { cleanVersion, findVersion, parseRange, parseVersion, satisfies, type SemVer } from "./version-spec.js";

const sv = (text: string): SemVer => {
  const v = parseVersion(text);
  assert.ok(v, text);
  return v;
};

function matches(range: string, version: string, loose = false): boolean {
  const r = parseRange(range, loose);
  assert.ok(r, `${range} should be a valid range`);
  return satisfies(sv(version), r);
}

test("x-ranges, partial versions and comparators desugar as node-semver's", () => {
  assert.ok(matches("3.x", "3.12.1"));
  assert.ok(matches("3", "3.0.0"));
  assert.ok(matches("3.11", "3.11.7"));
  assert.ok(!matches("3.11", "3.12.0"));
  assert.ok(matches(">=3.10 <3.13", "3.12.1"));
  assert.ok(!matches(">=3.10 <3.13", "3.13.0"));
  assert.ok(matches(">3.10", "3.11.0"));
  assert.ok(!matches(">3.10", "3.10.13"), ">3.10 means >=3.11.0");
  assert.ok(matches("<=3.12", "3.12.9"));
  assert.ok(matches("> 1.2", "1.3.0"), "an operator may stand apart from its version");
  assert.ok(matches("3.10 || 3.12", "3.12.1"));
  assert.ok(!matches("3.10 || 3.12", "3.11.7"));
  assert.ok(matches("*", "20.1.0") && matches("", "0.0.1"));
});

test("tilde, caret and hyphen ranges", () => {
  assert.ok(matches("~3.11.2", "3.11.9") && !matches("~3.11.2", "3.12.0"));
  assert.ok(matches("~3", "3.99.0") && !matches("~3", "4.0.0"));
  assert.ok(matches("^3.10", "3.13.0") && !matches("^3.10", "4.0.0"));
  assert.ok(matches("^0.2.3", "0.2.9") && !matches("^0.2.3", "0.3.0"));
  assert.ok(matches("^0.0.3", "0.0.3") && !matches("^0.0.3", "0.0.4"));
  assert.ok(matches("1.2.3 - 2.3.4", "2.3.4") && !matches("1.2.3 - 2.3.4", "2.3.5"));
  assert.ok(matches("1.2.3 - 2.3", "2.3.9") && !matches("1.2.3 - 2.3", "2.4.0"));
});

test("a prerelease satisfies only a range naming a prerelease of the same version", () => {
  assert.ok(!matches("3.x", "3.13.0-rc.2"));
  assert.ok(!matches(">=3.12", "3.13.0-rc.2"));
  assert.ok(matches("~3.13.0-0", "3.13.0-rc.2"), "setup-python's 3.13-dev");
  assert.ok(!matches("~3.13.0-0", "3.13.1-rc.1"));
  assert.ok(matches(">=3.13.0-alpha.1", "3.13.0-rc.2"));
  assert.ok(matches("3.13.0-rc.2", "3.13.0-rc.2"));
  assert.ok(!matches("<3.13", "3.13.0-alpha.1"), "<3.13 is <3.13.0-0");
});

test("invalid ranges are rejected, loose ones accepted only in loose mode", () => {
  for (const bad of ["!=3.11.0", "==3.11.7", ">=3.10,<3.13", "3.11t", "pypy3.9", "lts/*"]) assert.equal(parseRange(bad), null, bad);
  assert.ok(matches("~=3.10", "3.10.13") && !matches("~=3.10", "3.11.0"), "node-semver reads PEP 440's ~=3.10 as ~3.10");
  assert.ok(matches("==3.11.*", "3.11.7"), "and ==3.11.* as the x-range 3.11");
  assert.ok(parseRange("==3.11.7", true), "loose mode lets = stand before a full version");
  assert.equal(parseRange("3.13.0rc2"), null);
  assert.ok(parseRange("3.13.0rc2", true));
});

test("prerelease identifiers order numerically, then alphanumerically", () => {
  assert.ok(matches(">1.2.3-beta.2", "1.2.3-beta.10"));
  assert.ok(matches(">1.2.3-beta.10", "1.2.3-beta.a"));
  assert.ok(matches(">1.2.3-beta.a", "1.2.3"));
});

test("clean strips v and =, and refuses what is not a full version", () => {
  assert.equal(cleanVersion("v20.11.1"), "20.11.1");
  assert.equal(cleanVersion(" =3.11.7 "), "3.11.7");
  assert.equal(cleanVersion("3.11"), null);
  assert.equal(cleanVersion("01.2.3"), null);
});

test("findVersion behaves as the tool cache: exact versions exactly, ranges to the highest match", () => {
  const versions = ["3.10.13", "3.12.1", "3.11.7", "3.11.2", "3.13.0-rc.2"].map(sv);
  assert.equal(findVersion(versions, "3.11"), 2);
  assert.equal(findVersion(versions, "3.x"), 1);
  assert.equal(findVersion(versions, "3.11.2"), 3);
  assert.equal(findVersion(versions, "3.11.3"), -1, "an explicit version is not a range");
  assert.equal(findVersion(versions, "~3.13.0-0"), 4);
  assert.equal(findVersion(versions, "!=3.11.7"), -1);
  const twins = ["3.11.7", "3.11.7"].map(sv);
  assert.equal(findVersion(twins, "3.11"), 0, "the first of equal versions wins");
});
