import assert from "node:assert/strict";
import { test } from "node:test";
import { osvRecord } from "../../../test/support/osv-fixtures.js";
import { compactRecord } from "./osv-record.js";

test("a record keeps id, aliases, summary, severity and the ranges of each PyPI or npm package", () => {
  const raw = {
    id: "GHSA-aaaa-bbbb-cccc",
    modified: "2024-05-01T00:00:00Z",
    aliases: ["CVE-2024-0001"],
    summary: "Bad thing",
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H" }],
    affected: [
      {
        package: { ecosystem: "PyPI", name: "Zope.Interface" },
        ranges: [
          { type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "5.0" }] },
          { type: "GIT", repo: "x", events: [{ introduced: "abc" }] },
        ],
        versions: ["4.0"],
      },
      { package: { ecosystem: "PyPI", name: "zope_interface" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "6.0" }, { last_affected: "6.1" }] }] },
      { package: { ecosystem: "Go", name: "example.com/x" }, ranges: [{ type: "SEMVER", events: [{ introduced: "0" }] }] },
    ],
    database_specific: { severity: "high" },
  };
  assert.deepEqual(compactRecord(raw), {
    kind: "advisory",
    info: {
      id: "GHSA-aaaa-bbbb-cccc",
      aliases: ["CVE-2024-0001"],
      summary: "Bad thing",
      severity: { label: "HIGH", cvss: { type: "CVSS_V3", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", score: 7.5 } },
      modified: "2024-05-01T00:00:00Z",
    },
    packages: [
      {
        ecosystem: "PyPI",
        name: "zope-interface",
        ranges: [
          { type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "5.0" }] },
          { type: "ECOSYSTEM", events: [{ introduced: "6.0" }, { last_affected: "6.1" }] },
        ],
        versions: ["4.0"],
      },
    ],
  });
});

test("without a summary the first sentence of the details stands in; a CVSS score alone gives the rating", () => {
  const record = compactRecord(
    osvRecord({ id: "PYSEC-1", package: "x", details: "An issue was found in x. More text follows.", cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }),
  );
  assert.equal(record.kind, "advisory");
  if (record.kind !== "advisory") return;
  assert.equal(record.info.summary, "An issue was found in x.");
  assert.equal(record.info.severity?.label, "CRITICAL");
});

test("withdrawn records, other ecosystems and non-OSV JSON are skipped with the reason", () => {
  assert.deepEqual(compactRecord(osvRecord({ id: "A", package: "x", withdrawn: "2024-01-01T00:00:00Z" })), { kind: "skipped", reason: "withdrawn" });
  assert.deepEqual(compactRecord(osvRecord({ id: "B", package: "x", ecosystem: "Go" })), { kind: "skipped", reason: "other-ecosystems" });
  assert.deepEqual(compactRecord({ hello: "world" }), { kind: "skipped", reason: "not-osv" });
  assert.deepEqual(compactRecord([1, 2]), { kind: "skipped", reason: "not-osv" });
});
