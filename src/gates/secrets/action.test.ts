import assert from "node:assert/strict";
import { cpSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../../actions/builtin-types.js";
import { builtin } from "../../runner/builtin-registry.js";
import { makeRepo, tempDir } from "../../../test/support/git-repo.js";
import { Random, SECRET_FAMILIES } from "../../../test/support/secret-corpus.js";
import { gitleaksAction, parseTrufflehogArgs, secretScanAction, trufflehogAction, trufflehogRevisions } from "./action.js";

const r = new Random(99);
const token = (family: string): string => (SECRET_FAMILIES[family] as (r: Random) => string)(r);

// A repository whose secret lives only in its history, and a copy of its files without .git,
// as a job's workspace is before actions/checkout.
const repo = makeRepo();
repo.write("config.py", `TOKEN = "${token("github-pat")}"\n`);
const leaked = repo.commit("add token");
repo.write("config.py", 'TOKEN = os.environ["TOKEN"]\n');
repo.commit("remove token");
const bare = tempDir("tierci-secrets-ws-");
cpSync(join(repo.dir, "config.py"), join(bare, "config.py"));
after(() => {
  repo.remove();
  rmSync(bare, { recursive: true, force: true });
});

interface Captured {
  run: BuiltinRun;
  logs: string[];
  outputs: Record<string, string>;
}

function fakeRun(action: BuiltinAction, workspace: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}): Captured {
  const logs: string[] = [];
  const outputs: Record<string, string> = {};
  const defaults = Object.fromEntries(Object.entries(action.inputs).map(([k, d]) => [k, d.default ?? ""]));
  const run: BuiltinRun = {
    mask: (text) => text,
    inputs: { ...defaults, ...inputs },
    workspace,
    repoRoot: repo.dir,
    stateDir: join(workspace, ".tierci"),
    repository: "local/repo",
    sha: leaked,
    ref: "refs/heads/main",
    defaultBranch: "main",
    runId: "1",
    runNumber: 1,
    recordId: "run-1",
    jobKey: "scan",
    inPlace: false,
    offline: true,
    env,
    jobStatus: "success",
    state: {},
    log: (line) => logs.push(line),
    warning: (message) => logs.push(`warning: ${message}`),
    setOutput: (name, value) => (outputs[name] = value),
    addPath: () => undefined,
    exportVariable: () => undefined,
    saveState: () => undefined,
    report: () => undefined,
    signal: new AbortController().signal,
  };
  return { run, logs, outputs };
}

const ACTIONS = new Map([secretScanAction, trufflehogAction, gitleaksAction].map((a) => [a.name, a]));

function action(name: string): BuiltinAction {
  const found = ACTIONS.get(name);
  assert.ok(found, name);
  return found;
}

test("the three names are built-ins, whatever the case", async () => {
  for (const [name, expected] of [
    ["tierci/secret-scan", secretScanAction],
    ["TruffleSecurity/TruffleHog", trufflehogAction],
    ["gitleaks/gitleaks-action", gitleaksAction],
  ] as const)
    assert.equal(await builtin(name), expected, name);
});

test("tierci/secret-scan fails the step on findings, logging each with file:line, and writes SARIF", async () => {
  const { run, logs, outputs } = fakeRun(action("tierci/secret-scan"), repo.dir, { sarif: "secrets.sarif" });
  await assert.rejects(
    action("tierci/secret-scan").main(run),
    (err: unknown) => err instanceof BuiltinFailure && /^1 secret\(s\) found: config\.py:1 \(github-pat\)$/.test(err.message),
  );
  assert.ok(
    logs.some((l) => l.startsWith(`config.py:1:10: GitHub personal access token (classic): ghp_****`) && l.endsWith(`in commit ${leaked.slice(0, 12)}`)),
    logs.join("\n"),
  );
  assert.equal(outputs["findings"], "1");
  assert.equal(outputs["sarif"], join(repo.dir, "secrets.sarif"));
  assert.match(readFileSync(join(repo.dir, "secrets.sarif"), "utf8"), /"ruleId": "github-pat"/);
  rmSync(join(repo.dir, "secrets.sarif"));
});

test("tierci/secret-scan in working-tree mode passes when the tree is clean", async () => {
  const { run, outputs } = fakeRun(action("tierci/secret-scan"), repo.dir, { mode: "working-tree" });
  await action("tierci/secret-scan").main(run);
  assert.equal(outputs["findings"], "0");
});

test("tierci/secret-scan rejects a bad mode and paths outside the workspace", async () => {
  await assert.rejects(action("tierci/secret-scan").main(fakeRun(action("tierci/secret-scan"), repo.dir, { mode: "everything" }).run), /mode must be one of/);
  await assert.rejects(
    action("tierci/secret-scan").main(fakeRun(action("tierci/secret-scan"), repo.dir, { sarif: "../x.sarif" }).run),
    /outside the workspace/,
  );
});

test("a workspace without git metadata has its history read from the source repository", async () => {
  const { run, logs } = fakeRun(action("tierci/secret-scan"), bare);
  await assert.rejects(action("tierci/secret-scan").main(run), /1 secret\(s\) found/);
  assert.ok(logs.some((l) => l.includes("no git history")));
});

test("trufflesecurity/trufflehog scans the history; base/head and extra_args map onto a revision range", async () => {
  await assert.rejects(
    action("trufflesecurity/trufflehog").main(fakeRun(action("trufflesecurity/trufflehog"), repo.dir, { extra_args: "--only-verified" }).run),
    /1 secret\(s\) found/,
  );
  const after = fakeRun(action("trufflesecurity/trufflehog"), repo.dir, { base: leaked, head: "HEAD", extra_args: "--only-verified --results=verified" });
  await action("trufflesecurity/trufflehog").main(after.run);
  assert.ok(after.logs.some((l) => l.includes("Ignoring TruffleHog options that do not apply here: --only-verified --results=verified")));
  assert.deepEqual(trufflehogRevisions("", ""), ["--all"]);
  assert.deepEqual(trufflehogRevisions("abc", ""), ["abc..HEAD"]);
  assert.deepEqual(trufflehogRevisions("abc", "def"), ["abc..def"]);
  assert.deepEqual(trufflehogRevisions("abc", "abc"), ["abc^!"]);
  assert.deepEqual(trufflehogRevisions("", "main"), ["main"]);
  assert.deepEqual(parseTrufflehogArgs("--since-commit=abc --branch main -x .th-exclude --fail --json"), {
    sinceCommit: "abc",
    branch: "main",
    excludePathsFile: ".th-exclude",
    ignored: ["--fail", "--json"],
  });
});

test("gitleaks/gitleaks-action scans the full history with GITLEAKS_CONFIG when set", async () => {
  const gitleaks = action("gitleaks/gitleaks-action");
  const plain = fakeRun(gitleaks, repo.dir);
  await assert.rejects(gitleaks.main(plain.run), /config\.py:1 \(github-pat\)/);
  assert.equal(plain.outputs["sarif"], join(repo.dir, "results.sarif"));
  rmSync(join(repo.dir, "results.sarif"));
  repo.write(".ci/gitleaks.toml", "[extend]\nuseDefault = true\n\n[allowlist]\npaths = ['''^config\\.py$''']\n");
  const configured = fakeRun(gitleaks, repo.dir, {}, { GITLEAKS_CONFIG: ".ci/gitleaks.toml" });
  await gitleaks.main(configured.run);
  assert.equal(configured.outputs["findings"], "0");
  rmSync(join(repo.dir, ".ci"), { recursive: true });
  rmSync(join(repo.dir, "results.sarif"));
});
