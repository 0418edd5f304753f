import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { BuiltinFailure } from "../../actions/builtin-types.js";
import { builtin } from "../../runner/builtin-registry.js";
import { fakeRun } from "../../../test/support/fake-builtin-run.js";
import { tempDir } from "../../../test/support/git-repo.js";
import { writeOsvFolder, type OsvFixture } from "../../../test/support/osv-fixtures.js";
import { importOsv } from "./osv-db.js";
import { pipAuditAction } from "./pip-audit-action.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(files: Record<string, string>, advisories: OsvFixture[]): { ws: string; stateDir: string } {
  const ws = tempDir("tierci-pip-audit-");
  const stateDir = tempDir("tierci-state-");
  dirs.push(ws, stateDir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(ws, path, ".."), { recursive: true });
    writeFileSync(join(ws, path), text);
  }
  importOsv(join(stateDir, "osv"), [writeOsvFolder(join(stateDir, "src"), advisories)]);
  return { ws, stateDir };
}

const JINJA: OsvFixture = {
  id: "GHSA-h5c8-rqwp-cp95",
  package: "jinja2",
  aliases: ["CVE-2024-22195"],
  summary: "HTML attribute injection",
  events: [{ introduced: "0" }, { fixed: "3.1.3" }],
};

function failureOf(promise: Promise<void>): Promise<string> {
  return promise.then(
    () => assert.fail("the step passed"),
    (err: unknown) => {
      assert.ok(err instanceof BuiltinFailure, String(err));
      return err.message;
    },
  );
}

test("pypa/gh-action-pip-audit is one of tierci's built-ins", async () => {
  assert.equal(await builtin("pypa/gh-action-pip-audit"), pipAuditAction);
});

test("named requirement files are audited offline, with file:line and the fix", async () => {
  const { ws, stateDir } = setup({ "requirements/dev.txt": "jinja2==3.1.2\n", "requirements.txt": "flask==3.0.0\n" }, [JINJA]);
  const run = fakeRun(pipAuditAction, { workspace: ws, stateDir, inputs: { inputs: "requirements/dev.txt" } });
  const message = await failureOf(pipAuditAction.main(run));
  assert.match(
    message,
    /^requirements\/dev\.txt:1: GHSA-h5c8-rqwp-cp95: jinja2 3\.1\.2: HTML attribute injection \(CVE-2024-22195\); upgrade jinja2 to >= 3\.1\.3$/,
  );
  assert.equal(run.outputs["vulnerabilities"], "1");
});

test("ignore-vulns takes aliases, and a clean audit says what it read", async () => {
  const { ws, stateDir } = setup({ "requirements.txt": "jinja2==3.1.2\nflask==3.0.0\n" }, [JINJA]);
  const run = fakeRun(pipAuditAction, {
    workspace: ws,
    stateDir,
    inputs: { inputs: "requirements.txt", "ignore-vulns": "CVE-2024-22195", "require-hashes": "true", "no-deps": "false" },
  });
  await pipAuditAction.main(run);
  assert.ok(run.logs.includes("Ignoring inputs that do not apply to an offline audit of pinned versions: require-hashes"), run.logs.join("\n"));
  assert.ok(
    run.logs.some((l) => /audited 2 package version\(s\) from requirements\.txt; 0 known vulnerabilities, 1 ignored/.test(l)),
    run.logs.join("\n"),
  );
});

test("a project directory is read from its pyproject.toml; a missing input fails by name", async () => {
  const { ws, stateDir } = setup({ "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["jinja2==3.1.2"]\n' }, [JINJA]);
  assert.match(
    await failureOf(pipAuditAction.main(fakeRun(pipAuditAction, { workspace: ws, stateDir, inputs: { inputs: "." } }))),
    /^pyproject\.toml:4: GHSA-h5c8/,
  );
  assert.match(
    await failureOf(pipAuditAction.main(fakeRun(pipAuditAction, { workspace: ws, stateDir, inputs: { inputs: "reqs.txt" } }))),
    /inputs: reqs\.txt does not exist/,
  );
  assert.match(
    await failureOf(pipAuditAction.main(fakeRun(pipAuditAction, { workspace: ws, stateDir, inputs: { inputs: "../x.txt" } }))),
    /outside the workspace/,
  );
});

test("without inputs it audits what the job's Python has installed", async () => {
  const { ws, stateDir } = setup({}, [{ id: "PYSEC-TEST-1", package: "pip", summary: "a pip advisory", events: [{ introduced: "0" }, { fixed: "999" }] }]);
  const venv = join(ws, "env");
  const made = spawnSync("python3", ["-m", "venv", venv], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  const run = fakeRun(pipAuditAction, { workspace: ws, stateDir, inputs: { "virtual-environment": "env/" } });
  const message = await failureOf(pipAuditAction.main(run));
  assert.match(message, /^installed environment: PYSEC-TEST-1: pip \d+\.\d+(\.\d+)?: a pip advisory; upgrade pip to >= 999$/m);
});

test("a missing database fails with the import command, never a clean pass", async () => {
  const ws = tempDir("tierci-pip-audit-");
  const stateDir = tempDir("tierci-state-");
  dirs.push(ws, stateDir);
  writeFileSync(join(ws, "requirements.txt"), "jinja2==3.1.2\n");
  const message = await failureOf(pipAuditAction.main(fakeRun(pipAuditAction, { workspace: ws, stateDir, inputs: { inputs: "requirements.txt" } })));
  assert.match(message, /tierci deps db import/);
});
