import assert from "node:assert/strict";
import { test } from "node:test";
import type { ParseResult } from "./manifest.js";
import { parsePackageLock, parsePnpmLock, parseYarnLock } from "./npm-files.js";

/** The 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} is in the fixture`);
  return i + 1;
}

const deps = (r: ParseResult): string[] => r.dependencies.map((d) => `${d.name}@${d.version}:${d.line}`);
const notes = (r: ParseResult): string[] => r.notes.map((n) => `${n.line}:${n.message}`);

test("package-lock.json v2/v3: every installed copy, aliases by their real name; links, workspaces and git sources are not audited", () => {
  const text = JSON.stringify(
    {
      name: "app",
      version: "1.0.0",
      lockfileVersion: 3,
      requires: true,
      packages: {
        "": { name: "app", version: "1.0.0", dependencies: { lodash: "^4.17.0" } },
        "node_modules/lodash": { version: "4.17.20", resolved: "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz", integrity: "sha512-x" },
        "node_modules/@babel/core": { version: "7.0.0", resolved: "https://registry.npmjs.org/@babel/core/-/core-7.0.0.tgz", dev: true },
        "node_modules/mkdirp/node_modules/minimist": { version: "0.0.8", resolved: "https://registry.npmjs.org/minimist/-/minimist-0.0.8.tgz" },
        "node_modules/my-alias": { name: "real-pkg", version: "2.0.0", resolved: "https://registry.npmjs.org/real-pkg/-/real-pkg-2.0.0.tgz" },
        "node_modules/local": { resolved: "packages/local", link: true },
        "packages/local": { version: "0.0.1" },
        "packages/local/node_modules/ms": { version: "2.0.0", resolved: "https://registry.npmjs.org/ms/-/ms-2.0.0.tgz" },
        "node_modules/gitdep": { version: "1.0.0", resolved: "git+ssh://git@github.com/org/gitdep.git#abc" },
      },
    },
    null,
    2,
  );
  const r = parsePackageLock(text, "package-lock.json");
  assert.deepEqual(deps(r), [
    `lodash@4.17.20:${lineOf(text, '"node_modules/lodash"')}`,
    `@babel/core@7.0.0:${lineOf(text, '"node_modules/@babel/core"')}`,
    `minimist@0.0.8:${lineOf(text, '"node_modules/mkdirp/node_modules/minimist"')}`,
    `real-pkg@2.0.0:${lineOf(text, '"node_modules/my-alias"')}`,
    `ms@2.0.0:${lineOf(text, '"packages/local/node_modules/ms"')}`,
  ]);
  assert.deepEqual(notes(r), [
    `${lineOf(text, '"node_modules/gitdep"')}:cannot audit gitdep@1.0.0: it comes from git+ssh://git@github.com/org/gitdep.git#abc, not from the registry`,
  ]);
});

test("package-lock.json v1: nested dependencies with their own lines, aliases, git sources noted", () => {
  const text = JSON.stringify(
    {
      name: "app",
      version: "1.0.0",
      lockfileVersion: 1,
      requires: true,
      dependencies: {
        lodash: { version: "4.17.20", resolved: "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz" },
        mkdirp: { version: "0.5.1", requires: { minimist: "0.0.8" }, dependencies: { minimist: { version: "0.0.8" } } },
        minimist: { version: "1.2.5" },
        alias: { version: "npm:real-pkg@2.0.0" },
        gitdep: { version: "github:org/gitdep#abc" },
      },
    },
    null,
    2,
  );
  const r = parsePackageLock(text, "package-lock.json");
  const lines = text.split("\n");
  const nestedMinimist = lines.findIndex((l, i) => i > lineOf(text, '"mkdirp"') && l.includes('"minimist": {')) + 1;
  assert.deepEqual(deps(r), [
    `lodash@4.17.20:${lineOf(text, '"lodash": {')}`,
    `mkdirp@0.5.1:${lineOf(text, '"mkdirp": {')}`,
    `minimist@0.0.8:${nestedMinimist}`,
    `minimist@1.2.5:${lines.findIndex((l) => l === '    "minimist": {') + 1}`,
    `real-pkg@2.0.0:${lineOf(text, '"alias": {')}`,
  ]);
  assert.deepEqual(notes(r), [`${lineOf(text, '"gitdep": {')}:cannot audit gitdep: it comes from github:org/gitdep#abc, not from the registry`]);
});

test("pnpm-lock.yaml v5: /name/version keys with peer suffixes", () => {
  const text = `lockfileVersion: 5.4

specifiers:
  lodash: ^4.17.0

dependencies:
  lodash: 4.17.20

packages:

  /lodash/4.17.20:
    resolution: {integrity: sha512-x}
    dev: false

  /@babel/core/7.0.0_supports-color@5.5.0:
    resolution: {integrity: sha512-y}
    dev: true

  github.com/org/repo/abc123:
    resolution: {tarball: https://codeload.github.com/org/repo/tar.gz/abc123}
    name: repo
    version: 1.0.0
`;
  const r = parsePnpmLock(text, "pnpm-lock.yaml");
  assert.deepEqual(deps(r), ["lodash@4.17.20:11", "@babel/core@7.0.0:15"]);
  assert.deepEqual(notes(r), ["19:cannot audit github.com/org/repo/abc123: it does not come from the registry"]);
});

test("pnpm-lock.yaml v6 and v9: name@version keys, peers in parentheses, tarballs noted", () => {
  const v6 = `lockfileVersion: '6.0'

packages:

  /lodash@4.17.20:
    resolution: {integrity: sha512-x}
    dev: false

  /@babel/core@7.0.0(supports-color@5.5.0):
    resolution: {integrity: sha512-y}
`;
  assert.deepEqual(deps(parsePnpmLock(v6, "pnpm-lock.yaml")), ["lodash@4.17.20:5", "@babel/core@7.0.0:9"]);
  const v9 = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:
  .:
    dependencies:
      lodash:
        specifier: ^4.17.0
        version: 4.17.20

packages:

  '@babel/core@7.0.0':
    resolution: {integrity: sha512-y}
    engines: {node: '>=6.9.0'}

  lodash@4.17.20:
    resolution: {integrity: sha512-x}

  repo@https://codeload.github.com/org/repo/tar.gz/abc:
    resolution: {tarball: https://codeload.github.com/org/repo/tar.gz/abc}
    version: 1.0.0

snapshots:

  '@babel/core@7.0.0(supports-color@5.5.0)': {}

  lodash@4.17.20: {}
`;
  const r = parsePnpmLock(v9, "pnpm-lock.yaml");
  assert.deepEqual(deps(r), ["@babel/core@7.0.0:15", "lodash@4.17.20:19"]);
  assert.deepEqual(notes(r), ["22:cannot audit repo@https://codeload.github.com/org/repo/tar.gz/abc: it does not come from the registry"]);
});

test("yarn.lock classic: one entry per header, aliases by their real name, git sources noted", () => {
  const text = `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
  version "7.10.4"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.10.4.tgz#abc"
  integrity sha512-x
  dependencies:
    "@babel/highlight" "^7.10.4"

lodash@^4.17.15, lodash@^4.17.19:
  version "4.17.20"
  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.20.tgz#abc"

"string-width-cjs@npm:string-width@^4.2.0":
  version "4.2.3"
  resolved "https://registry.yarnpkg.com/string-width/-/string-width-4.2.3.tgz"

"mylib@github:org/mylib#abc":
  version "1.0.0"
  resolved "https://codeload.github.com/org/mylib/tar.gz/abc"
`;
  const r = parseYarnLock(text, "yarn.lock");
  assert.deepEqual(deps(r), ["@babel/code-frame@7.10.4:5", "lodash@4.17.20:12", "string-width@4.2.3:16"]);
  assert.deepEqual(notes(r), ["20:cannot audit mylib@github:org/mylib#abc: it does not come from the registry"]);
});

test("yarn.lock berry: resolutions, patches of registry packages; workspaces skipped, git noted", () => {
  const text = `# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 6
  cacheKey: 8

"@babel/code-frame@npm:^7.0.0, @babel/code-frame@npm:^7.10.4":
  version: 7.10.4
  resolution: "@babel/code-frame@npm:7.10.4"
  dependencies:
    "@babel/highlight": ^7.10.4
  checksum: abc
  languageName: node
  linkType: hard

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  languageName: unknown
  linkType: soft

"fsevents@patch:fsevents@~2.3.2#~builtin<compat/fsevents>":
  version: 2.3.2
  resolution: "fsevents@patch:fsevents@npm%3A2.3.2#~builtin<compat/fsevents>::version=2.3.2&hash=df0bf1"
  languageName: node
  linkType: hard

"string-width-cjs@npm:string-width@^4.2.0":
  version: 4.2.3
  resolution: "string-width@npm:4.2.3"

"mylib@https://github.com/org/mylib.git#commit=abc":
  version: 1.0.0
  resolution: "mylib@https://github.com/org/mylib.git#commit=abc"
`;
  const r = parseYarnLock(text, "yarn.lock");
  assert.deepEqual(deps(r), ["@babel/code-frame@7.10.4:8", "fsevents@2.3.2:23", "string-width@4.2.3:29"]);
  assert.deepEqual(notes(r), ["33:cannot audit mylib@https://github.com/org/mylib.git#commit=abc: it does not come from the registry"]);
});

test("files that do not parse become one note each", () => {
  assert.match(notes(parsePackageLock("{ nope", "package-lock.json"))[0] ?? "", /not valid JSON/);
  assert.match(notes(parsePnpmLock("packages: [\n  - a: b\n c", "pnpm-lock.yaml"))[0] ?? "", /not valid YAML/);
});
