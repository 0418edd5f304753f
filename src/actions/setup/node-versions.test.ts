import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { installedNodeVersions, isNodeAlias, nodeVersionFromFile, NodeVersionFileError, resolveNode, type NodeInstall } from "./node-versions.js";

const dir = mkdtempSync(join(tmpdir(), "tierci-node-versions-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const node = (version: string, lts = "", source = "nvm"): NodeInstall => ({ version, lts, arch: "x64", executable: `/fake/${version}/bin/node`, source });
const machine = [node("18.19.0", "hydrogen"), node("20.11.1", "iron"), node("20.20.2", "iron", "/usr/bin"), node("21.7.3"), node("22.3.0", "jod")];

function resolved(spec: string, installs = machine): string {
  const r = resolveNode(spec, installs);
  return "error" in r ? `error: ${r.error}` : `${r.install.version}@${r.install.source}`;
}

test("version files: .nvmrc, .node-version, .tool-versions lines", () => {
  assert.equal(nodeVersionFromFile(file(".nvmrc", "v20.11.1\n")), "20.11.1");
  assert.equal(nodeVersionFromFile(file("a/.nvmrc", "lts/iron\n")), "lts/iron");
  assert.equal(nodeVersionFromFile(file(".node-version", "22")), "22");
  assert.equal(nodeVersionFromFile(file(".tool-versions", "python 3.12.1\nnodejs 20.11.1\n")), "20.11.1");
  assert.throws(() => nodeVersionFromFile(join(dir, "missing")), NodeVersionFileError);
});

test("version files: package.json fields in the action's order, and mise.toml", () => {
  assert.equal(nodeVersionFromFile(file("p1/package.json", JSON.stringify({ engines: { node: ">=18" }, volta: { node: "20.11.1" } }))), "20.11.1");
  assert.equal(
    nodeVersionFromFile(
      file("p2/package.json", JSON.stringify({ engines: { node: ">=18" }, devEngines: { runtime: [{ name: "bun" }, { name: "node", version: "^22" }] } })),
    ),
    "^22",
  );
  assert.equal(nodeVersionFromFile(file("p3/package.json", JSON.stringify({ engines: { node: "20.x" } }))), "20.x");
  file("p4/base.json", JSON.stringify({ volta: { node: "18.19.0" } }));
  assert.equal(nodeVersionFromFile(file("p4/package.json", JSON.stringify({ volta: { extends: "./base.json" } }))), "18.19.0");
  assert.equal(nodeVersionFromFile(file("p5/package.json", JSON.stringify({ name: "x" }))), null);
  assert.equal(nodeVersionFromFile(file("m1/mise.toml", '[tools]\nnode = "20"\n')), "20");
  assert.equal(nodeVersionFromFile(file("m2/mise.toml", '[tools]\nnode = { version = "22.3.0" }\n')), "22.3.0");
});

test("versions and ranges resolve to the highest installation that satisfies them", () => {
  assert.equal(resolved("20"), "20.20.2@/usr/bin");
  assert.equal(resolved("v20.11.1"), "20.11.1@nvm");
  assert.equal(resolved(">=18 <21"), "20.20.2@/usr/bin");
  assert.equal(resolved("18.x"), "18.19.0@nvm");
  assert.equal(resolved("16"), "error: Node.js 16 was not found");
});

test("LTS aliases and latest are answered from the candidates (releases, or installations offline)", () => {
  assert.equal(resolved("lts/*"), "22.3.0@nvm");
  assert.equal(resolved("lts/-1"), "20.20.2@/usr/bin");
  assert.equal(resolved("lts/-2"), "18.19.0@nvm");
  assert.equal(resolved("lts/Hydrogen"), "18.19.0@nvm");
  assert.equal(resolved("latest"), "22.3.0@nvm");
  assert.equal(resolved("current"), "22.3.0@nvm");
  assert.match(resolved("lts/gallium"), /Unable to find LTS release 'gallium'/);
  assert.match(resolved("lts/"), /Unable to parse LTS alias/);
  assert.match(resolved("latest", []), /No Node\.js installation found/);
});

test("aliases are told apart from versions and ranges; installed versions are listed oldest first", () => {
  assert.deepEqual(["lts/*", "lts/iron", "latest", "current", "node", "20", ">=20", "20.x"].map(isNodeAlias), [
    true,
    true,
    true,
    true,
    true,
    false,
    false,
    false,
  ]);
  assert.equal(installedNodeVersions([...machine].reverse()), "18.19.0, 20.11.1, 20.20.2, 21.7.3, 22.3.0");
  assert.equal(installedNodeVersions([]), "none");
});
