import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fakeRun, type FakeRun } from "../../../test/support/fake-builtin-run.js";
import { BuiltinFailure } from "../builtin-types.js";
import { setupNodeAction } from "./setup-node.js";
import { inheritedEnvironment } from "../../runner/run-context.js";

const root = mkdtempSync(join(tmpdir(), "tierci-setup-node-"));
after(() => rmSync(root, { recursive: true, force: true }));

interface Job {
  run: FakeRun;
  paths: string[];
  exported: Record<string, string>;
  state: Record<string, string>;
}

let jobs = 0;

/** A job with its own HOME, tool cache and workspace, as the runner gives each job. */
function job(
  inputs: Record<string, string>,
  files: Record<string, string> = {},
  state: Record<string, string> = {},
  opts: { offline?: boolean; toolCache?: string; env?: Record<string, string> } = {},
): Job {
  const dir = join(root, `job-${++jobs}`);
  const workspace = join(dir, "work");
  for (const d of ["home", "tool", "temp", "work"]) mkdirSync(join(dir, d), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(workspace, name), text);
  const run = fakeRun(setupNodeAction, {
    workspace,
    stateDir: join(root, "state"),
    inputs,
    env: {
      ...inheritedEnvironment(),
      HOME: join(dir, "home"),
      RUNNER_TOOL_CACHE: opts.toolCache ?? join(dir, "tool"),
      RUNNER_TEMP: join(dir, "temp"),
      RUNNER_OS: "Linux",
      ...opts.env,
    },
    offline: opts.offline,
  });
  const j: Job = { run, paths: [], exported: {}, state };
  run.addPath = (d) => j.paths.push(d);
  run.exportVariable = (name, value) => (j.exported[name] = value);
  run.saveState = (name, value) => (state[name] = value);
  Object.assign(run, { state });
  return j;
}

const major = process.versions.node.split(".")[0] ?? "";

test("the running Node.js is found, linked into the job's own tool directory and put on PATH", async () => {
  const j = job({ "node-version": major });
  await setupNodeAction.main(j.run);
  assert.equal(j.run.outputs["node-version"], process.version);
  const bin = j.paths[0] ?? "";
  assert.ok(bin.startsWith(join(j.run.env["RUNNER_TEMP"] ?? "", "tierci-tools", `node-${process.versions.node}`)), bin);
  assert.equal(realpathSync(join(bin, "node")), realpathSync(process.execPath));
  assert.equal(j.exported["npm_config_prefix"], join(bin, ".."));
  assert.ok(existsSync(join(bin, "npm")), "npm comes along with node");
});

test("node-version-file is read from the workspace", async () => {
  const j = job({ "node-version-file": ".nvmrc" }, { ".nvmrc": `v${process.versions.node}\n` });
  await setupNodeAction.main(j.run);
  assert.equal(j.run.outputs["node-version"], process.version);
  assert.ok(j.run.logs.includes(`Resolved .nvmrc as ${process.versions.node}`));
});

test("offline, a version that is not installed fails naming the installed ones and where it would come from", async () => {
  const j = job({ "node-version": "4" }, {}, {}, { offline: true });
  await assert.rejects(
    () => setupNodeAction.main(j.run),
    (err: Error) =>
      err instanceof BuiltinFailure &&
      err.message.startsWith(`Node.js 4 (${process.arch}) is not installed on this machine (installed: `) &&
      err.message.includes(process.versions.node) &&
      err.message.includes("--offline forbids downloading it. Run without --offline to download it from https://nodejs.org/dist/index.json, or ") &&
      err.message.endsWith("or install it yourself (nvm install 4)"),
  );
});

test("offline, an alias is answered from the installations", async () => {
  const j = job({ "node-version": "node" }, {}, {}, { offline: true });
  await setupNodeAction.main(j.run);
  assert.ok(
    j.run.logs.some((l) => /^Offline: using the installed Node\.js \d+\.\d+\.\d+ for 'node'$/.test(l)),
    j.run.logs.join("\n"),
  );
});

test("cache: npm keys on the lock file, misses, saves in post, and hits next time", async () => {
  const files = { "package.json": '{"name":"x"}', "package-lock.json": '{"lockfileVersion":3}' };
  const first = job({ "node-version": major, cache: "npm" }, files);
  await setupNodeAction.main(first.run);
  assert.equal(first.run.outputs["cache-hit"], "false");
  assert.match(first.run.outputs["cache-primary-key"] ?? "", /^node-cache-Linux-x64-npm-[0-9a-f]{64}$/);
  assert.deepEqual(JSON.parse(first.state["CACHE_PATHS"] ?? ""), ["~/.npm"], "npm's cache under the job's HOME, spelled portably");
  mkdirSync(join(first.run.env["HOME"] ?? "", ".npm"), { recursive: true });
  writeFileSync(join(first.run.env["HOME"] ?? "", ".npm", "marker"), "x");
  const post = job({ "node-version": major, cache: "npm" }, files, first.state);
  Object.assign(post.run, { env: first.run.env, workspace: first.run.workspace });
  await setupNodeAction.post?.(post.run);
  assert.ok(
    post.run.logs.some((l) => l.startsWith("Cache saved with the key: node-cache-Linux")),
    post.run.logs.join("\n"),
  );

  const second = job({ "node-version": major, cache: "npm" }, files);
  await setupNodeAction.main(second.run);
  assert.equal(second.run.outputs["cache-hit"], "true");
  assert.ok(existsSync(join(second.run.env["HOME"] ?? "", ".npm", "marker")), "restored into the new job's HOME");
});

test("cache without a lock file fails as the action does", async () => {
  const j = job({ "node-version": major, cache: "npm" }, { "package.json": "{}" });
  await assert.rejects(
    () => setupNodeAction.main(j.run),
    /Dependencies lock file is not found in .*Supported file patterns: package-lock.json,npm-shrinkwrap.json,yarn.lock/,
  );
});
