// What the CLI loads before it does anything: `--version` and every `--help` must load the CLI
// layer only, never the workflow parser, SQLite or YAML behind the commands. Checked on the list
// of modules a child process loads (not on its time, which a busy machine would blur). The CLI
// runs from the bundle in dist/cli; each chunk it loads stands for the source files it holds.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { tempDir } from "../support/git-repo.js";
import { repoFactory } from "./harness.js";

const CLI = resolve("bin", "tierci.js");
const RECORDER = pathToFileURL(resolve("dist", "test", "support", "load-recorder.js")).href;
const DIST = pathToFileURL(resolve("dist")).href + "/";
const NODE_MODULES = pathToFileURL(resolve("node_modules")).href + "/";
const BUNDLE = pathToFileURL(resolve("dist", "cli")).href + "/";
const CHUNKS = JSON.parse(readFileSync(join("dist", "cli", "contents.json"), "utf8")) as Record<string, string[]>;

/** The loaded URLs with every chunk of the bundle replaced by the files it was built from. */
function unbundled(urls: string[]): string[] {
  return urls.flatMap((url) => {
    if (!url.startsWith(BUNDLE)) return [url];
    const inputs = CHUNKS[url.slice(BUNDLE.length)];
    assert.ok(inputs, `${url} is not a chunk of the bundle that was built`);
    return inputs.map((file) => pathToFileURL(resolve(file)).href);
  });
}

const FORBIDDEN: [RegExp, string][] = [
  [/\/node_modules\/@actions\/workflow-parser\//, "the workflow parser package"],
  [/\/dist\/src\/workflow\/github-parser\.js$/, "the bundled workflow parser"],
  [/\/node_modules\/better-sqlite3\//, "better-sqlite3"],
  [/\/node_modules\/yaml\//, "yaml"],
];

const work = tempDir("tierci-startup-");
after(() => rmSync(work, { recursive: true, force: true }));
const repo = repoFactory();
let runs = 0;

interface Loaded {
  code: number;
  stdout: string;
  stderr: string;
  modules: string[];
  /** The URLs as loaded, chunks of the bundle included. */
  urls: string[];
}

/** Runs the CLI with a recorder of every module it resolves. */
function loadedBy(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Loaded> {
  const log = join(work, `loaded-${++runs}.txt`);
  const child = spawn(process.execPath, ["--import", RECORDER, CLI, ...args], {
    env: { ...process.env, NO_COLOR: "1", XDG_CACHE_HOME: join(work, "cache"), TIERCI_LOAD_LOG: log, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) =>
    child.on("close", (code) => {
      const urls = existsSync(log)
        ? [
            ...new Set(
              readFileSync(log, "utf8")
                .split("\n")
                .filter((l) => l !== ""),
            ),
          ]
        : [];
      done({ code: code ?? -1, stdout, stderr, urls, modules: [...new Set(unbundled(urls))] });
    }),
  );
}

/** The names of the forbidden modules among `modules`, in FORBIDDEN's order. */
function forbiddenIn(modules: string[]): string[] {
  return FORBIDDEN.filter(([pattern]) => modules.some((m) => pattern.test(m))).map(([, name]) => name);
}

function assertCliLayerOnly(args: string[], modules: string[]): void {
  const what = `tierci ${args.join(" ")}`;
  assert.ok(
    modules.some((m) => m.endsWith("/dist/src/cli/main.js")),
    `${what}: the recorder saw nothing (${modules.length} modules)`,
  );
  assert.deepEqual(forbiddenIn(modules), [], `${what} loaded modules of the commands`);
  for (const m of modules) {
    if (m.startsWith(DIST)) {
      const path = m.slice(DIST.length);
      assert.ok(path.startsWith("src/cli/") && !path.startsWith("src/cli/commands/"), `${what} loaded ${path}, which is not part of the command line layer`);
    } else if (m.startsWith(NODE_MODULES)) {
      const pkg = m.slice(NODE_MODULES.length);
      assert.ok(pkg.startsWith("commander/") || pkg.startsWith("@commander-js/extra-typings/"), `${what} loaded the package file ${pkg}`);
    }
  }
}

describe("start-up loads the command line layer only", () => {
  test("--version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    for (const args of [["--version"], ["-V"]]) {
      const r = await loadedBy(args);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${version}\n`);
      assertCliLayerOnly(args, r.modules);
    }
  });

  test("--help and help", async () => {
    for (const args of [["--help"], ["help"], ["help", "run"], []]) {
      const r = await loadedBy(args);
      assert.ok(r.stdout.includes("Usage: tierci") || args.length === 0, `${args.join(" ")}: ${r.stdout}`);
      assertCliLayerOnly(args, r.modules);
    }
  });

  // Every command is registered on every start, so these also cover the registrations of the rest.
  test("a command's --help", async () => {
    for (const args of [
      ["run", "--help"],
      ["hook", "run", "--help"],
      ["deps", "db", "import", "--help"],
      ["policy", "check", "--help"],
      ["secrets", "scan", "--help"],
    ]) {
      const r = await loadedBy(args);
      assert.equal(r.code, 0, `tierci ${args.join(" ")} exited ${r.code}`);
      assertCliLayerOnly(args, r.modules);
    }
  });

  test("a command runs from the bundle: of tsc's modules only the compile cache switch is loaded", async () => {
    const r = repo({ ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n" });
    const list = await loadedBy(["list", "--repo", r.dir]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      list.urls.filter((u) => u.startsWith(`${DIST}src/`)).map((u) => u.slice(DIST.length)),
      ["src/cli/compile-cache.js"],
    );
    assert.ok(list.urls.some((u) => u.startsWith(BUNDLE)));
  });

  test("the recorder sees what a command loads: list loads the parser and yaml, runs loads better-sqlite3", async () => {
    const r = repo({ ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n" });
    const list = await loadedBy(["list", "--repo", r.dir]);
    assert.equal(list.code, 0);
    assert.deepEqual(forbiddenIn(list.modules), ["the bundled workflow parser", "yaml"]);
    const recorded = await loadedBy(["runs", "--repo", r.dir]);
    assert.deepEqual(forbiddenIn(recorded.modules), ["better-sqlite3"]);
  });
});

describe("Node's compile cache", () => {
  const hasCache = (Module as unknown as { enableCompileCache?: unknown }).enableCompileCache !== undefined;

  test(hasCache ? "is written to the user's cache directory" : "is left alone where this Node has none", async () => {
    const cache = join(work, "compile-cache-home");
    await loadedBy(["--version"], { XDG_CACHE_HOME: cache });
    const dir = join(cache, "tierci", "compile-cache");
    if (!hasCache) {
      assert.equal(existsSync(dir), false);
      return;
    }
    const files = readdirSync(dir, { recursive: true });
    assert.ok(files.length > 0, `nothing cached in ${dir}`);
  });

  test("NODE_DISABLE_COMPILE_CACHE turns it off", async () => {
    const cache = join(work, "compile-cache-off");
    await loadedBy(["--version"], { XDG_CACHE_HOME: cache, NODE_DISABLE_COMPILE_CACHE: "1" });
    assert.equal(existsSync(join(cache, "tierci")), false);
  });
});

describe("kept workflow results", () => {
  // Warnings and a refused workflow, so that diagnostics go through the cache too.
  const FILES = {
    ".github/workflows/ci.yml":
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.head_commit.message }}\n  b:\n    needs: a\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.x }}\n",
    ".github/workflows/broken.yml": "on: push\njobs:\n  c:\n    runs-on: ubuntu-latest\n    needs: [nothing]\n    steps:\n      - run: true\n",
    ".github/tiers.yml": "tiers:\n  - name: fast\n    workflows: [ci.yml]\n  - name: rest\n    workflows: [broken.yml]\n",
  };
  const parserAndYaml = ["the bundled workflow parser", "yaml"];

  test("a second plan and list load neither the parser nor yaml, and print exactly what the first did", async () => {
    const r = repo(FILES);
    for (const args of [
      ["plan", "--repo", r.dir],
      ["plan", "--repo", r.dir, "--json", "-"],
      ["list", "--repo", r.dir],
    ]) {
      const first = await loadedBy(args);
      const second = await loadedBy(args);
      assert.equal(first.code, 0, first.stderr);
      assert.ok(first.stderr.includes("broken.yml"), first.stderr);
      assert.deepEqual([second.code, second.stdout, second.stderr], [first.code, first.stdout, first.stderr], args.join(" "));
      assert.deepEqual(forbiddenIn(second.modules), [], `tierci ${args.join(" ")} analysed the workflows again`);
    }
    // The cache lives where git does not see it: the plan's changed files stay the same.
    assert.equal(r.git("status", "--porcelain", "--untracked-files=all"), "");
  });

  test("damaged entries are analysed again, with the same output", async () => {
    const r = repo(FILES);
    const args = ["plan", "--repo", r.dir, "--json", "-"];
    const first = await loadedBy(args);
    const dir = join(r.dir, ".tierci", "workflow-cache");
    const entries = readdirSync(dir);
    assert.equal(entries.length, 3);
    for (const f of entries) writeFileSync(join(dir, f), readFileSync(join(dir, f)).subarray(0, 40));
    const damaged = await loadedBy(args);
    assert.deepEqual([damaged.code, damaged.stdout, damaged.stderr], [first.code, first.stdout, first.stderr]);
    assert.deepEqual(forbiddenIn(damaged.modules), parserAndYaml);
    assert.deepEqual(forbiddenIn((await loadedBy(args)).modules), []);
  });

  test("an edited workflow is analysed again", async () => {
    const r = repo(FILES);
    await loadedBy(["list", "--repo", r.dir]);
    r.write({ ".github/workflows/ci.yml": FILES[".github/workflows/ci.yml"].replace("  b:\n", "  renamed:\n") });
    const edited = await loadedBy(["list", "--repo", r.dir]);
    assert.match(edited.stdout, /renamed/);
    assert.deepEqual(forbiddenIn(edited.modules), parserAndYaml);
  });
});

describe("the pre-push hook's run", () => {
  test("a tier of run: steps loads no built-in action and no report reader, and from kept results neither the parser nor yaml", async () => {
    const r = repo({ ".github/workflows/check.yml": "on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo checked\n" });
    const first = await loadedBy(["hook", "run", "--repo", r.dir]);
    assert.equal(first.code, 0, first.stderr);
    const second = await loadedBy(["hook", "run", "--repo", r.dir]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /checked/);
    assert.deepEqual(forbiddenIn(second.modules), ["better-sqlite3"]);
    const builtins = second.modules.filter((m) =>
      /\/dist\/src\/(gates|reports\/ingest|actions\/(setup|artifacts|codecov|checkout|cache\/actions))|\/node_modules\/(fast-xml-parser|smol-toml)\//.test(m),
    );
    assert.deepEqual(builtins, []);
  });
});
