import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { analysisVersion, LoadCache } from "./load-cache.js";
import { loadRepository, type Repository } from "./load.js";

const work = mkdtempSync(join(tmpdir(), "tierci-load-cache-"));
after(() => rmSync(work, { recursive: true, force: true }));
let repos = 0;

// Errors GitHub refuses, errors met only at run time, warnings, and a clean file, so that every
// kind of result goes through the cache.
const FILES: Record<string, string> = {
  ".github/workflows/ci.yml": [
    "name: CI",
    "on:",
    "  push:",
    "    branches: [main]",
    "jobs:",
    "  test:",
    "    runs-on: ubuntu-latest",
    "    strategy:",
    "      matrix:",
    "        node: [20, 22]",
    "    steps:",
    "      - uses: actions/checkout@v4",
    "      - run: echo ${{ github.event.head_commit.message }}",
    "      - run: echo ${{ matrix.nod }}",
    "",
  ].join("\n"),
  ".github/workflows/broken.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [missing]\n    steps:\n      - run: true\n",
  ".github/workflows/empty.yml": "",
  ".github/workflows/nightly.yml":
    "on:\n  schedule:\n    - cron: '0 3 * * *'\njobs:\n  n:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo nightly\n",
  ".github/tiers.yml": "tiers:\n  - name: fast\n    budget: 5m\n    workflows: [ci.yml, broken.yml]\n  - name: late\n    workflows: [nightly.yml, gone.yml]\n",
};

function repoWith(files: Record<string, string>): { root: string; stateDir: string; write(path: string, text: string): void } {
  const root = join(work, `repo-${++repos}`);
  const write = (path: string, text: string): void => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  for (const [path, text] of Object.entries(files)) write(path, text);
  return { root, stateDir: join(root, ".tierci"), write };
}

/** A repository as a plain value, with its map of workflows as entries. */
function plain(repo: Repository): unknown {
  return { ...repo, byPath: [...repo.byPath] };
}

function cacheFiles(stateDir: string): string[] {
  return readdirSync(join(stateDir, "workflow-cache"));
}

describe("the load cache", () => {
  test("the build names its analysis", () => {
    assert.match(analysisVersion() ?? "", /^[0-9a-f]{64}$/);
  });

  test("a load from kept results equals a load that analyses every file", async () => {
    const r = repoWith(FILES);
    const fresh = await loadRepository(r.root);
    assert.ok(fresh.diagnostics.some((d) => d.severity === "error" && !d.runtime));
    assert.ok(fresh.diagnostics.some((d) => d.severity === "warning" || d.runtime));
    const miss = await loadRepository(r.root, { stateDir: r.stateDir });
    assert.equal(cacheFiles(r.stateDir).length, Object.keys(FILES).length);
    const hit = await loadRepository(r.root, { stateDir: r.stateDir });
    assert.deepStrictEqual(plain(miss), plain(fresh));
    assert.deepStrictEqual(plain(hit), plain(fresh));
    assert.equal(JSON.stringify(plain(hit)), JSON.stringify(plain(fresh)));
  });

  test("the kept result is the one used: an entry for the file's text answers without analysing it", async () => {
    const r = repoWith(FILES);
    await loadRepository(r.root, { stateDir: r.stateDir });
    const cache = LoadCache.open(r.stateDir);
    const kept = cache?.workflow(".github/workflows/ci.yml", FILES[".github/workflows/ci.yml"] ?? "");
    assert.equal(kept?.workflow?.name, "CI");
    assert.equal(cache?.workflow(".github/workflows/ci.yml", "on: push\n"), undefined);
  });

  test("an edited workflow or tiers.yml is analysed again", async () => {
    const r = repoWith(FILES);
    await loadRepository(r.root, { stateDir: r.stateDir });
    r.write(".github/workflows/ci.yml", (FILES[".github/workflows/ci.yml"] ?? "").replace("name: CI", "name: Checks"));
    r.write(".github/tiers.yml", "tiers:\n  - name: only\n    workflows: [ci.yml, broken.yml, nightly.yml]\n");
    const edited = await loadRepository(r.root, { stateDir: r.stateDir });
    assert.deepStrictEqual(plain(edited), plain(await loadRepository(r.root)));
    assert.equal(edited.byPath.get(".github/workflows/ci.yml")?.name, "Checks");
    assert.deepEqual(
      edited.tiers.map((t) => t.name),
      ["only"],
    );
    assert.equal(cacheFiles(r.stateDir).length, Object.keys(FILES).length);
  });

  test("tiers.yml is analysed again when the workflows it names appear or go", async () => {
    const r = repoWith(FILES);
    const before = await loadRepository(r.root, { stateDir: r.stateDir });
    assert.ok(before.diagnostics.some((d) => d.message.includes("unknown workflow 'gone.yml'")));
    r.write(".github/workflows/gone.yml", "on: push\njobs:\n  g:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n");
    const after = await loadRepository(r.root, { stateDir: r.stateDir });
    assert.ok(!after.diagnostics.some((d) => d.message.includes("gone.yml")));
    assert.deepStrictEqual(plain(after), plain(await loadRepository(r.root)));
  });

  test("results another version of the analysis kept are not used", async () => {
    const r = repoWith(FILES);
    await loadRepository(r.root, { stateDir: r.stateDir });
    const text = FILES[".github/workflows/ci.yml"] ?? "";
    assert.notEqual(LoadCache.open(r.stateDir)?.workflow(".github/workflows/ci.yml", text), undefined);
    assert.equal(LoadCache.open(r.stateDir, "an older parser")?.workflow(".github/workflows/ci.yml", text), undefined);
  });

  test("damaged entries are ignored and replaced", async () => {
    const r = repoWith(FILES);
    const fresh = await loadRepository(r.root);
    await loadRepository(r.root, { stateDir: r.stateDir });
    const dir = join(r.stateDir, "workflow-cache");
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), "damaged");
    assert.deepStrictEqual(plain(await loadRepository(r.root, { stateDir: r.stateDir })), plain(fresh));
    assert.deepStrictEqual(plain(await loadRepository(r.root, { stateDir: r.stateDir })), plain(fresh));
  });

  test("a kept analysis of another file is not taken for this one", async () => {
    const r = repoWith(FILES);
    await loadRepository(r.root, { stateDir: r.stateDir });
    const cache = LoadCache.open(r.stateDir);
    const ci = cache?.workflow(".github/workflows/ci.yml", FILES[".github/workflows/ci.yml"] ?? "");
    assert.ok(ci);
    cache?.keepWorkflow(".github/workflows/other.yml", "x", ci);
    assert.equal(cache?.workflow(".github/workflows/other.yml", "x"), undefined);
  });

  test("without a state directory nothing is written", async () => {
    const r = repoWith(FILES);
    await loadRepository(r.root);
    assert.deepEqual(readdirSync(r.root), [".github"]);
  });

  test("the state directory it creates keeps git from seeing the cache", async () => {
    const r = repoWith(FILES);
    await loadRepository(r.root, { stateDir: r.stateDir });
    assert.deepEqual(readdirSync(r.stateDir).sort(), [".gitignore", "workflow-cache"]);
  });
});
