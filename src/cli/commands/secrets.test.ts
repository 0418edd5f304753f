import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { makeRepo, tempDir } from "../../../test/support/git-repo.js";
import { fakePrivateKey, Random, SECRET_FAMILIES } from "../../../test/support/secret-corpus.js";
import { UsageError } from "../key-values.js";
import type { Out } from "../output.js";
import { secretsScanCommand } from "./secrets.js";

const r = new Random(77);
const secrets = [
  (SECRET_FAMILIES["github-pat"] as (r: Random) => string)(r),
  (SECRET_FAMILIES["stripe-secret-key"] as (r: Random) => string)(r),
  (SECRET_FAMILIES["generic-secret"] as (r: Random) => string)(r),
  fakePrivateKey(r, "EC "),
];
const repo = makeRepo();
const outDir = tempDir("tierci-secrets-out-");
after(() => {
  repo.remove();
  rmSync(outDir, { recursive: true, force: true });
});
repo.write("app/settings.py", `GITHUB = "${secrets[0]}"\nSTRIPE = "${secrets[1]}"\nDB_PASSWORD = "${secrets[2]}"\n`);
repo.write("deploy/key.pem", `${secrets[3]}\n`);
repo.commit("oops");

function capture(): Out & { text: () => string } {
  const lines: string[] = [];
  return { log: (l = "") => lines.push(l), err: (l = "") => lines.push(l), text: () => lines.join("\n") };
}

/** No secret, nor any third of one, appears in the text. */
function assertNoLeak(text: string, where: string): void {
  for (const secret of secrets) {
    const third = Math.ceil(secret.length / 3);
    for (let i = 0; i + third <= secret.length; i += 1) {
      assert.ok(!text.includes(secret.slice(i, i + third)), `${where} shows part of a secret: ${secret.slice(i, i + third)}`);
    }
  }
}

test("terminal, JSON, SARIF and baseline output never hold a secret, with any --redact", async () => {
  for (const redact of ["0", "4", "1000"]) {
    for (const mode of [{}, { history: true }]) {
      const out = capture();
      const json = join(outDir, `out-${redact}.json`);
      const sarif = join(outDir, `out-${redact}.sarif`);
      const baseline = join(outDir, `base-${redact}.json`);
      const code = await secretsScanCommand(out, undefined, { repo: repo.dir, json, sarif, writeBaseline: baseline, redact, ...mode });
      assert.equal(code, 1);
      assert.match(out.text(), /4 secret\(s\) found/);
      assertNoLeak(out.text(), "the terminal");
      for (const file of [json, sarif, baseline]) assertNoLeak(readFileSync(file, "utf8"), file);
      const sarifDoc = JSON.parse(readFileSync(sarif, "utf8")) as { runs: { results: { ruleId: string }[] }[] };
      assert.deepEqual(sarifDoc.runs[0]?.results.map((x) => x.ruleId).sort(), ["generic-secret", "github-pat", "private-key", "stripe-secret-key"]);
    }
  }
});

test("a baseline written by one scan accepts its findings in the next; a new secret still fails", async () => {
  const baseline = join(outDir, "baseline.json");
  assert.equal(await secretsScanCommand(capture(), undefined, { repo: repo.dir, writeBaseline: baseline }), 1);
  const out = capture();
  assert.equal(await secretsScanCommand(out, undefined, { repo: repo.dir, baseline }), 0);
  assert.match(out.text(), /no secrets found.*4 known finding\(s\) accepted by the baseline/);
  repo.write("app/more.py", `NPM = "${(SECRET_FAMILIES["npm-access-token"] as (r: Random) => string)(r)}"\n`);
  const again = capture();
  assert.equal(await secretsScanCommand(again, undefined, { repo: repo.dir, baseline }), 1);
  assert.match(again.text(), /app\/more\.py:1:8: error: npm access token: npm_\*\*\*\*\w{4} \[npm-access-token\]/);
});

test("bad usage is a UsageError (exit 2)", async () => {
  const cases: [string | undefined, object, RegExp][] = [
    ["app", { history: true }, /choose one of --history, --staged or PATH/],
    [undefined, { history: true, staged: true }, /choose one/],
    [undefined, { redact: "lots" }, /--redact takes a number/],
    [undefined, { config: join(repo.dir, "missing.toml") }, /cannot read the secrets configuration/],
    [undefined, { baseline: join(repo.dir, "missing.json") }, /cannot read the baseline/],
    ["nowhere", {}, /nowhere does not exist/],
  ];
  for (const [path, opts, message] of cases) {
    await assert.rejects(
      secretsScanCommand(capture(), path, { repo: repo.dir, ...opts }),
      (err: unknown) => err instanceof UsageError && message.test(err.message),
    );
  }
});
