import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fakeRun, type FakeRun } from "../../../test/support/fake-builtin-run.js";
import { BuiltinFailure } from "../builtin-types.js";
import { machineHome } from "./common.js";
import { setupUvAction } from "./setup-uv.js";
import { findUv, parseUvVersion, uvVersionFromFile, uvVersionSatisfies } from "./uv-versions.js";

const root = mkdtempSync(join(tmpdir(), "tierci-setup-uv-"));
after(() => rmSync(root, { recursive: true, force: true }));

// A stand-in for uv that answers what setup-uv asks of it.
const fakeBin = join(root, "fake-bin");
mkdirSync(fakeBin);
writeFileSync(
  join(fakeBin, "uv"),
  `#!/bin/sh
case "$1" in
  --version) echo "uv 0.5.1 (f399a5271 2024-11-08)" ;;
  venv) exec /usr/bin/env python3 -m venv --without-pip "$2" ;;
  python) command -v python3 ;;
esac
`,
);
chmodSync(join(fakeBin, "uv"), 0o755);

interface Job {
  run: FakeRun;
  paths: string[];
  exported: Record<string, string>;
  state: Record<string, string>;
}

let jobs = 0;

function job(inputs: Record<string, string>, opts: { files?: Record<string, string>; state?: Record<string, string>; path?: string } = {}): Job {
  const dir = join(root, `job-${++jobs}`);
  const workspace = join(dir, "work");
  for (const d of ["home", "tool", "temp", "work"]) mkdirSync(join(dir, d), { recursive: true });
  for (const [name, text] of Object.entries(opts.files ?? { "main.py": "" })) writeFileSync(join(workspace, name), text);
  const state = opts.state ?? {};
  // The machine's own uv settings would make the expectations depend on who runs the tests.
  const host = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith("UV_")));
  const run = fakeRun(setupUvAction, {
    workspace,
    stateDir: join(root, "state"),
    inputs,
    env: {
      ...host,
      PATH: opts.path ?? `${fakeBin}:${process.env["PATH"] ?? ""}`,
      HOME: join(dir, "home"),
      RUNNER_TOOL_CACHE: join(dir, "tool"),
      RUNNER_TEMP: join(dir, "temp"),
      RUNNER_ENVIRONMENT: "self-hosted",
    },
  });
  const j: Job = { run, paths: [], exported: {}, state };
  run.addPath = (d) => j.paths.push(d);
  run.exportVariable = (name, value) => (j.exported[name] = value);
  run.saveState = (name, value) => (state[name] = value);
  Object.assign(run, { state });
  return j;
}

test("uv versions: exact, latest and PEP 440 specifiers", () => {
  assert.equal(parseUvVersion("uv 0.5.1 (f399a5271 2024-11-08)\n"), "0.5.1");
  assert.equal(uvVersionSatisfies("0.5.1", "latest"), true);
  assert.equal(uvVersionSatisfies("0.5.1", "0.5.1"), true);
  assert.equal(uvVersionSatisfies("0.5.1", "0.5"), false);
  assert.equal(uvVersionSatisfies("0.5.0", "0.5"), true, "0.5 and 0.5.0 are the same release");
  assert.equal(uvVersionSatisfies("0.5.1", ">=0.4,<0.6"), true);
  assert.equal(uvVersionSatisfies("0.6.0", ">=0.4,<0.6"), false);
  assert.equal(uvVersionSatisfies("0.5.1", "==0.5.*"), true);
  assert.equal(uvVersionSatisfies("0.5.1", "!=0.5.*"), false);
  assert.equal(uvVersionSatisfies("0.5.9", "~=0.5.1"), true);
  assert.equal(uvVersionSatisfies("0.6.0", "~=0.5.1"), false);
  assert.equal(uvVersionSatisfies("0.5.1", "something"), undefined);
});

test("uv version files: .tool-versions, uv.toml, pyproject.toml and requirements", () => {
  const dir = join(root, "files");
  mkdirSync(dir);
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  assert.equal(uvVersionFromFile(write(".tool-versions", "python 3.12\nuv 0.5.1 # pinned\n")), "0.5.1");
  assert.equal(uvVersionFromFile(write("uv.toml", 'required-version = ">=0.5"\n')), ">=0.5");
  assert.equal(uvVersionFromFile(write("pyproject.toml", '[project]\nname = "x"\n[tool.uv]\nrequired-version = "==0.5.*"\n')), "==0.5.*");
  assert.equal(uvVersionFromFile(write("requirements.txt", "requests\nuv==0.4.30\n")), "==0.4.30");
  assert.equal(uvVersionFromFile(join(dir, "absent.toml")), undefined);
});

test("findUv looks on PATH, then where uv's installers put it", () => {
  const home = join(root, "installer-home");
  mkdirSync(join(home, ".cargo", "bin"), { recursive: true });
  assert.equal(findUv("", home), undefined);
  writeFileSync(join(home, ".cargo", "bin", "uv"), "#!/bin/sh\n");
  chmodSync(join(home, ".cargo", "bin", "uv"), 0o755);
  assert.equal(findUv("", home), join(home, ".cargo", "bin", "uv"));
  assert.equal(findUv(fakeBin, home), join(fakeBin, "uv"));
});

test("setup-uv links the machine's uv into the job, sets UV_PYTHON and activates a venv", async () => {
  const j = job({ version: "0.4.0", "python-version": "3.12", "activate-environment": "true" });
  await setupUvAction.main(j.run);
  const uv = j.run.outputs["uv-path"] ?? "";
  assert.equal(j.run.outputs["uv-version"], "0.5.1");
  assert.ok(uv.startsWith(join(j.run.env["RUNNER_TEMP"] ?? "-", "tierci-tools")), uv);
  assert.equal(realpathSync(uv), realpathSync(join(fakeBin, "uv")));
  assert.ok(j.paths.includes(join(uv, "..")));
  assert.match(j.run.warnings.join("\n"), /uv 0\.5\.1 .* does not match '0\.4\.0' from the version input/);
  assert.equal(j.exported["UV_PYTHON"], "3.12");
  const venv = join(j.run.workspace, ".venv");
  assert.ok(existsSync(join(venv, "pyvenv.cfg")));
  assert.equal(j.exported["VIRTUAL_ENV"], venv);
  assert.equal(j.paths.at(-1), join(venv, "bin"));
  assert.equal(j.run.outputs["venv"], venv);
  assert.equal(j.run.outputs["python-version"], "3.12");
});

test("enable-cache keeps uv's cache in the job's HOME and restores it in the next job", async () => {
  const files = { "requirements.txt": "six\n" };
  const first = job({ "enable-cache": "true" }, { files });
  await setupUvAction.main(first.run);
  assert.equal(first.exported["UV_CACHE_DIR"], join(first.run.env["HOME"] ?? "", ".cache", "uv"));
  assert.match(first.run.outputs["cache-key"] ?? "", /^setup-uv-2-\w+-unknown-linux-(gnu|musl)-[^-]+-[^-]+-[\d.]+-[0-9a-f]{64}$/);
  assert.equal(first.run.outputs["cache-hit"], "false");
  mkdirSync(first.exported["UV_CACHE_DIR"] ?? "", { recursive: true });
  writeFileSync(join(first.exported["UV_CACHE_DIR"] ?? "", "CACHEDIR.TAG"), "x");
  const post = job({ "enable-cache": "true" }, { files, state: first.state });
  Object.assign(post.run, { env: first.run.env, workspace: first.run.workspace });
  await setupUvAction.post?.(post.run);
  assert.ok(
    post.run.logs.some((l) => l.startsWith("uv cache saved with key")),
    post.run.logs.join("\n"),
  );

  const second = job({ "enable-cache": "true" }, { files });
  await setupUvAction.main(second.run);
  assert.equal(second.run.outputs["cache-hit"], "true");
  assert.ok(existsSync(join(second.run.env["HOME"] ?? "", ".cache", "uv", "CACHEDIR.TAG")));
});

test("enable-cache auto is off on tierci's self-hosted jobs", async () => {
  const j = job({});
  await setupUvAction.main(j.run);
  assert.equal(j.run.outputs["cache-key"], undefined);
  assert.equal(j.exported["UV_CACHE_DIR"], undefined);
});

test(
  "without uv on the machine the step fails and says how to install it",
  { skip: findUv("", machineHome()) !== undefined && "uv is installed in this machine's home" },
  async () => {
    const j = job({}, { path: "/nonexistent" });
    await assert.rejects(
      () => setupUvAction.main(j.run),
      (err: Error) => err instanceof BuiltinFailure && /uv was not found on this machine.*pip install uv/.test(err.message),
    );
  },
);
