import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRequirement } from "./pep508.js";

test("exact pins give a version, whatever else the requirement says", () => {
  assert.deepEqual(parseRequirement("requests==2.31.0"), { name: "requests", version: "2.31.0" });
  assert.deepEqual(parseRequirement("Django[argon2] == 4.2.1 ; python_version >= '3.8'"), { name: "Django", version: "4.2.1" });
  assert.deepEqual(parseRequirement("urllib3 (==1.26.5)"), { name: "urllib3", version: "1.26.5" });
  assert.deepEqual(parseRequirement("pkg===1.0-custom"), { name: "pkg", version: "1.0-custom" });
  assert.deepEqual(parseRequirement("pkg>=1,==1.4,!=1.3"), { name: "pkg", version: "1.4" });
});

test("ranges, wildcards, bare names and URLs are unpinned", () => {
  assert.deepEqual(parseRequirement("flask>=2.0"), { name: "flask", unpinned: "the range '>=2.0'" });
  assert.deepEqual(parseRequirement("flask==2.*"), { name: "flask", unpinned: "the range '==2.*'" });
  assert.deepEqual(parseRequirement("flask~=2.0"), { name: "flask", unpinned: "the range '~=2.0'" });
  assert.deepEqual(parseRequirement("numpy"), { name: "numpy", unpinned: "no version given" });
  assert.deepEqual(parseRequirement("pip @ https://example.com/pip.whl"), { name: "pip", unpinned: "a direct URL reference" });
});

test("text that is not a requirement is rejected", () => {
  assert.equal(parseRequirement("--hash=sha256:abc"), undefined);
  assert.equal(parseRequirement("pkg=1.0"), undefined);
  assert.equal(parseRequirement("pkg >> 1"), undefined);
});
