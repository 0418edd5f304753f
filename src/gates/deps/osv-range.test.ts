import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluate, type AffectedVersions, type RangeEvent } from "./osv-range.js";

const ecosystem = (...events: RangeEvent[]): AffectedVersions => ({ ranges: [{ type: "ECOSYSTEM", events }], versions: [] });

test("introduced 0 with a fix affects every earlier version and names the fix", () => {
  const entry = ecosystem({ introduced: "0" }, { fixed: "2.3.1" });
  assert.deepEqual(evaluate(entry, "0.1", "PyPI"), { affected: true, fixed: "2.3.1", fixedVersions: ["2.3.1"] });
  assert.equal(evaluate(entry, "2.3.1rc1", "PyPI").affected, true);
  assert.equal(evaluate(entry, "2.3.1", "PyPI").affected, false);
  assert.equal(evaluate(entry, "2.3.1.post1", "PyPI").affected, false);
  assert.equal(evaluate(entry, "10.0", "PyPI").affected, false);
});

test("introduced is inclusive, fixed exclusive, last_affected inclusive", () => {
  const fixed = ecosystem({ introduced: "1.2" }, { fixed: "1.5" });
  assert.equal(evaluate(fixed, "1.1.9", "PyPI").affected, false);
  assert.equal(evaluate(fixed, "1.2", "PyPI").affected, true);
  assert.equal(evaluate(fixed, "1.2.0", "PyPI").affected, true);
  assert.equal(evaluate(fixed, "1.5", "PyPI").affected, false);
  const last = ecosystem({ introduced: "1.2" }, { last_affected: "1.4" });
  assert.deepEqual(evaluate(last, "1.4", "PyPI"), { affected: true, lastAffected: "1.4", fixedVersions: [] });
  assert.equal(evaluate(last, "1.4.post1", "PyPI").affected, false);
});

test("several ranges: each branch has its own fix; versions between branches are safe", () => {
  const entry: AffectedVersions = {
    ranges: [
      { type: "SEMVER", events: [{ introduced: "1.0.0" }, { fixed: "1.4.2" }, { introduced: "2.0.0" }, { fixed: "2.1.1" }] },
      { type: "SEMVER", events: [{ introduced: "3.0.0-beta.1" }] },
    ],
    versions: [],
  };
  assert.deepEqual(evaluate(entry, "1.3.0", "npm"), { affected: true, fixed: "1.4.2", fixedVersions: ["1.4.2", "2.1.1"] });
  assert.equal(evaluate(entry, "1.9.0", "npm").affected, false);
  assert.equal(evaluate(entry, "2.1.0", "npm").fixed, "2.1.1");
  assert.equal(evaluate(entry, "3.0.0-alpha", "npm").affected, false);
  assert.deepEqual(evaluate(entry, "3.0.0", "npm"), { affected: true, fixedVersions: ["1.4.2", "2.1.1"] });
});

test("events are evaluated in version order, not in the order written", () => {
  const entry = ecosystem({ fixed: "2.0" }, { introduced: "1.5" }, { fixed: "1.7" }, { introduced: "0" });
  assert.equal(evaluate(entry, "1.0", "PyPI").affected, true);
  assert.equal(evaluate(entry, "1.0", "PyPI").fixed, "1.7");
  assert.equal(evaluate(entry, "1.8", "PyPI").affected, false);
});

test("PEP 440 ordering decides PyPI ranges: pre-releases of the fix are still affected", () => {
  const entry = ecosystem({ introduced: "0" }, { fixed: "1.0" });
  for (const v of ["1.0.dev1", "1.0a1", "1.0b2", "1.0rc1"]) assert.equal(evaluate(entry, v, "PyPI").affected, true, v);
  for (const v of ["1.0", "1.0.0", "1.0.post1", "1.0+local", "1!0.1"]) assert.equal(evaluate(entry, v, "PyPI").affected, false, v);
});

test("explicitly listed versions are affected too, and the next fixed release is the way out", () => {
  const entry: AffectedVersions = { ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "3.0" }, { fixed: "3.2" }] }], versions: ["1.0.0", "2.5"] };
  assert.deepEqual(evaluate(entry, "1.0", "PyPI"), { affected: true, fixed: "3.2", fixedVersions: ["3.2"] });
  assert.equal(evaluate(entry, "2.5", "PyPI").affected, true);
  assert.equal(evaluate(entry, "2.6", "PyPI").affected, false);
  const malicious: AffectedVersions = { ranges: [], versions: ["1.0.1", "1.0.2"] };
  assert.deepEqual(evaluate(malicious, "1.0.2", "npm"), { affected: true, fixedVersions: [] });
  assert.equal(evaluate(malicious, "1.0.3", "npm").affected, false);
});

test("limit bounds a range from above; '*' does not", () => {
  const entry = ecosystem({ introduced: "0" }, { limit: "2.0" });
  assert.equal(evaluate(entry, "1.9", "PyPI").affected, true);
  assert.equal(evaluate(entry, "2.0", "PyPI").affected, false);
  assert.equal(evaluate(ecosystem({ introduced: "0" }, { limit: "*" }), "99", "PyPI").affected, true);
});

test("overlapping ranges: the way out is past the highest fix, and none when one range is open", () => {
  const entry: AffectedVersions = {
    ranges: [
      { type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.5" }] },
      { type: "ECOSYSTEM", events: [{ introduced: "1.0" }, { fixed: "2.0" }] },
    ],
    versions: [],
  };
  assert.equal(evaluate(entry, "1.2", "PyPI").fixed, "2.0");
  assert.equal(evaluate(entry, "0.5", "PyPI").fixed, "1.5");
  const open: AffectedVersions = { ranges: [...entry.ranges, { type: "ECOSYSTEM", events: [{ introduced: "1.1" }] }], versions: [] };
  assert.equal(evaluate(open, "1.2", "PyPI").fixed, undefined);
});

test("versions and bounds that do not parse are skipped rather than guessed", () => {
  const entry = ecosystem({ introduced: "0" }, { fixed: "not-a-version" }, { fixed: "3.0" });
  assert.equal(evaluate(entry, "2.0", "PyPI").fixed, "3.0");
  assert.equal(evaluate(entry, "weird", "PyPI").affected, false);
  assert.equal(evaluate({ ranges: [], versions: ["weird"] }, "weird", "PyPI").affected, true);
});
