import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { makeRepo, tempDir, type TestRepo } from "../../../test/support/git-repo.js";
import { Random, SECRET_FAMILIES } from "../../../test/support/secret-corpus.js";
import { defaultRuleset } from "./config.js";
import { ScanInputError, scanSecrets, type ScanOptions } from "./scan.js";

const r = new Random(2024);
const token = (family: string): string => (SECRET_FAMILIES[family] as (r: Random) => string)(r);

const repos: TestRepo[] = [];
after(() => repos.forEach((repo) => repo.remove()));
function repo(): TestRepo {
  const made = makeRepo();
  repos.push(made);
  return made;
}

const ruleset = defaultRuleset();
async function findings(dir: string, mode: ScanOptions["mode"], extra: Partial<ScanOptions> = {}): Promise<string[]> {
  const { report } = await scanSecrets({ dir, mode, ruleset, ...extra });
  return report.findings.map((f) => {
    const commit = f.properties?.["commit"];
    return `${typeof commit === "string" ? `${commit.slice(0, 7)} ` : ""}${f.file}:${f.line}:${f.col} ${f.ruleId}`;
  });
}

test("a secret committed and then deleted is found in the history, not in the working tree", async () => {
  const g = repo();
  const ghp = token("github-pat");
  g.write("config.py", `import os\n\nGITHUB_TOKEN = "${ghp}"\nDEBUG = False\n`);
  const added = g.commit("add config");
  g.write("config.py", 'import os\n\nGITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\nDEBUG = False\n');
  g.commit("read the token from the environment");
  assert.deepEqual(await findings(g.dir, "history"), [`${added.slice(0, 7)} config.py:3:17 github-pat`]);
  assert.deepEqual(await findings(g.dir, "working-tree"), []);
  const { report, stats } = await scanSecrets({ dir: g.dir, mode: "history", ruleset });
  assert.equal(stats.commits, 2);
  assert.equal(report.findings[0]?.properties?.["commit"], added);
  assert.equal(report.findings[0]?.properties?.["author"], "Mona Octocat <mona@example.com>");
});

test("history: line numbers of later commits, other branches, and a revision range", async () => {
  const g = repo();
  const lines = Array.from({ length: 20 }, (_, i) => `line_${i + 1} = ${i + 1}`);
  g.write("app.py", `${lines.join("\n")}\n`);
  const first = g.commit("plain");
  const npm = token("npm-access-token");
  lines.splice(14, 0, `NPM = "${npm}"`);
  g.write("app.py", `${lines.join("\n")}\n`);
  const second = g.commit("npm token at line 15");
  g.git("checkout", "-q", "-b", "feature");
  const slack = token("slack-webhook-url");
  g.write("notify/hook.txt", `${slack}\n`);
  const third = g.commit("slack hook on a branch");
  g.git("checkout", "-q", "main");
  assert.deepEqual(
    (await findings(g.dir, "history")).sort(),
    [`${second.slice(0, 7)} app.py:15:8 npm-access-token`, `${third.slice(0, 7)} notify/hook.txt:1:34 slack-webhook-url`].sort(),
  );
  assert.deepEqual(await findings(g.dir, "history", { revisions: [`${second}..feature`] }), [`${third.slice(0, 7)} notify/hook.txt:1:34 slack-webhook-url`]);
  assert.deepEqual(await findings(g.dir, "history", { revisions: [first] }), []);
  await assert.rejects(scanSecrets({ dir: g.dir, mode: "history", ruleset, revisions: ["--output=/tmp/x"] }), ScanInputError);
});

test("staged: the lines added in the index, not unstaged edits or untracked files", async () => {
  const g = repo();
  g.write("a.txt", "one\ntwo\n");
  g.commit("initial");
  const stripe = token("stripe-secret-key");
  g.write("a.txt", `one\nSTRIPE_KEY=${stripe}\ntwo\n`);
  g.git("add", "a.txt");
  g.write("b.txt", `NPM=${token("npm-access-token")}\n`);
  g.write("a.txt", `one\nSTRIPE_KEY=${stripe}\ntwo\nGH=${token("github-pat")}\n`);
  assert.deepEqual(await findings(g.dir, "staged"), ["a.txt:2:12 stripe-secret-key"]);
});

test("staged works before the first commit", async () => {
  const g = repo();
  g.write("k.env", `SENDGRID=${token("sendgrid-api-key")}\n`);
  g.git("add", "k.env");
  assert.deepEqual(await findings(g.dir, "staged"), ["k.env:1:10 sendgrid-api-key"]);
});

test("working tree: tracked and untracked files; ignored, binary and large files skipped; PATH narrows", async () => {
  const g = repo();
  g.write(".gitignore", "*.log\n");
  g.write("src/tracked.py", `KEY = "${token("gcp-api-key")}"\n`);
  g.commit("initial");
  g.write("src/untracked.ts", `const t = "${token("gitlab-pat")}";\n`);
  g.write("debug.log", `token ${token("github-pat")}\n`);
  writeFileSync(join(g.dir, "blob.bin"), Buffer.concat([Buffer.from(`${token("github-pat")}\n`), Buffer.from([0, 1, 2])]));
  writeFileSync(join(g.dir, "huge.txt"), `${token("github-pat")}\n${"x".repeat(2 * 1024 * 1024)}`);
  const { report, stats } = await scanSecrets({ dir: g.dir, mode: "working-tree", ruleset });
  assert.deepEqual(report.findings.map((f) => `${f.file} ${f.ruleId}`).sort(), ["src/tracked.py gcp-api-key", "src/untracked.ts gitlab-pat"]);
  assert.deepEqual(stats.skipped, { binary: 1, large: 1 });
  assert.deepEqual(await findings(g.dir, "working-tree", { path: "src/untracked.ts" }), ["src/untracked.ts:1:12 gitlab-pat"]);
  assert.deepEqual(await findings(g.dir, "working-tree", { path: "src" }), ["src/tracked.py:1:8 gcp-api-key", "src/untracked.ts:1:12 gitlab-pat"]);
  assert.deepEqual(
    await findings(g.dir, "working-tree", { path: "debug.log" }),
    ["debug.log:1:7 github-pat"],
    "a file named explicitly is scanned even if ignored",
  );
  assert.deepEqual(
    await findings(join(g.dir, "src"), "working-tree"),
    ["src/tracked.py:1:8 gcp-api-key", "src/untracked.ts:1:12 gitlab-pat"],
    "paths stay relative to the repository root",
  );
  await assert.rejects(scanSecrets({ dir: g.dir, mode: "working-tree", ruleset, path: "nope" }), /nope does not exist/);
  await assert.rejects(scanSecrets({ dir: g.dir, mode: "working-tree", ruleset, path: "../.." }), /outside/);
});

test("a directory outside git is walked; history needs a repository", async () => {
  const dir = tempDir("tierci-secrets-plain-");
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "conf"), { recursive: true });
  writeFileSync(join(dir, "conf", "bot.env"), `TELEGRAM=${token("telegram-bot-token")}\n`);
  assert.deepEqual(await findings(dir, "working-tree"), ["conf/bot.env:1:10 telegram-bot-token"]);
  await assert.rejects(
    scanSecrets({ dir, mode: "history", ruleset }),
    (err: unknown) => err instanceof ScanInputError && /not inside a git repository/.test(err.message),
  );
});
