import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { BuiltinFailure } from "../../actions/builtin-types.js";
import { builtin } from "../../runner/builtin-registry.js";
import { fakeRun } from "../../../test/support/fake-builtin-run.js";
import { tempDir } from "../../../test/support/git-repo.js";
import { writeOsvFolder } from "../../../test/support/osv-fixtures.js";
import { depsAuditAction } from "./action.js";
import { importOsv } from "./osv-db.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function workspace(requirements: string): { ws: string; stateDir: string } {
  const ws = tempDir("tierci-action-");
  const stateDir = tempDir("tierci-state-");
  dirs.push(ws, stateDir);
  writeFileSync(join(ws, "requirements.txt"), requirements);
  const source = writeOsvFolder(join(stateDir, "src"), [
    { id: "GHSA-1", package: "jinja2", aliases: ["CVE-2024-1"], summary: "Injection", events: [{ introduced: "0" }, { fixed: "3.1.3" }] },
    { id: "GHSA-2", package: "urllib3", summary: "Leak", events: [{ introduced: "0" }, { fixed: "1.26.5" }] },
  ]);
  importOsv(join(stateDir, "osv"), [source]);
  return { ws, stateDir };
}

const action = depsAuditAction;

test("tierci/deps-audit is registered and takes max-age, ignore, sarif and db", async () => {
  assert.equal(await builtin("tierci/deps-audit"), depsAuditAction);
  assert.deepEqual(Object.keys(action.inputs).sort(), ["db", "ignore", "max-age", "sarif"]);
});

test("findings fail the step with one error line each, and the SARIF file is written", async () => {
  const { ws, stateDir } = workspace("jinja2==2.11.2\nurllib3==1.26.4\nflask\n");
  const run = fakeRun(action, { workspace: ws, stateDir, inputs: { sarif: "deps.sarif" } });
  await assert.rejects(action.main(run), (err: unknown) => {
    assert.ok(err instanceof BuiltinFailure);
    assert.deepEqual(err.message.split("\n"), [
      "requirements.txt:1: GHSA-1: jinja2 2.11.2: Injection (CVE-2024-1); upgrade jinja2 to >= 3.1.3",
      "requirements.txt:2: GHSA-2: urllib3 1.26.4: Leak; upgrade urllib3 to >= 1.26.5",
    ]);
    return true;
  });
  assert.equal(run.outputs["vulnerabilities"], "2");
  assert.ok(
    run.logs.some((l) => /requirements\.txt:3: note: cannot audit unpinned flask/.test(l)),
    run.logs.join("\n"),
  );
  const sarif = JSON.parse(readFileSync(join(ws, "deps.sarif"), "utf8")) as { runs: { results: { ruleId: string }[] }[] };
  assert.deepEqual(
    sarif.runs[0]?.results.map((r) => r.ruleId),
    ["GHSA-1", "GHSA-2"],
  );
});

test("ignored and clean dependencies pass; a missing database fails the step with how to get one", async () => {
  const { ws, stateDir } = workspace("jinja2==2.11.2\nurllib3==1.26.5\n");
  const ok = fakeRun(action, { workspace: ws, stateDir, inputs: { ignore: "CVE-2024-1" } });
  await action.main(ok);
  assert.equal(ok.outputs["vulnerabilities"], "0");
  const missing = fakeRun(action, { workspace: ws, stateDir: join(stateDir, "elsewhere") });
  await assert.rejects(
    action.main(missing),
    (err: unknown) => err instanceof BuiltinFailure && /no vulnerability database.*tierci deps db import/.test(err.message),
  );
  const bad = fakeRun(action, { workspace: ws, stateDir, inputs: { "max-age": "soon" } });
  await assert.rejects(action.main(bad), /max-age must be a number/);
});
