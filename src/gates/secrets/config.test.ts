import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { defaultRuleset, loadConfigFile, loadRuleset } from "./config.js";
import { DEFAULT_RULES } from "./default-rules.js";
import { Detector, type Fragment } from "./detector.js";
import { SecretsConfigError } from "./rules.js";

const dir = mkdtempSync(join(tmpdir(), "tierci-secrets-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function config(text: string, name = `c${n++}.toml`): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function scan(file: string, text: string, path = "src/app.py", commit?: string): string[] {
  const fragment: Fragment = { path, text, ...(commit ? { commit: { sha: commit, author: "a", email: "a@x", date: "" } } : {}) };
  return new Detector(loadConfigFile(file)).detect(fragment).map((m) => `${m.rule.id}:${m.secret}`);
}

const INTERNAL = `
title = "internal tokens"

[[rules]]
id = "acme-token"
description = "ACME internal API token"
regex = '''(?i)acme[_-]?token\\s*[:=]\\s*["']?(acme_[a-z0-9]{16})'''
secretGroup = 1
entropy = 3.0
keywords = ["acme"]
`;

test("a custom rule with regex, secretGroup, entropy and keywords", () => {
  const file = config(INTERNAL);
  assert.deepEqual(scan(file, 'ACME_TOKEN = "acme_k3j9x8q2m5v7b1n4"\n'), ["acme-token:acme_k3j9x8q2m5v7b1n4"]); // gitleaks:allow (a fixture the scanner must find)
  assert.deepEqual(scan(file, 'ACME_TOKEN = "acme_aaaaaaaaaaaaaaaa"\n'), [], "below the entropy threshold");
  assert.deepEqual(scan(file, `GITHUB_TOKEN=ghp_${"Zq8dK2mPx7Lr4Tn9Wb3Vc6Hs1Jf5Gy0aBcDe"}\n`), [], "without [extend] the defaults are off");
});

test("without secretGroup the first group that matched holds the secret, else the whole match", () => {
  const file = config(`
[[rules]]
id = "two-forms"
regex = '''key=(?:"([a-z0-9]{12})"|([a-z0-9]{12}))'''
keywords = ["key="]

[[rules]]
id = "whole"
regex = '''zz[0-9]{6}'''
`);
  assert.deepEqual(scan(file, "key=abc123def456\n"), ["two-forms:abc123def456"]);
  assert.deepEqual(scan(file, "id zz123456\n"), ["whole:zz123456"]);
});

test("a rule with only a path reports the file itself; path narrows a regex rule", () => {
  const file = config(`
[[rules]]
id = "pkcs12-file"
description = "PKCS#12 key store"
path = '''\\.p12$'''

[[rules]]
id = "env-only"
regex = '''SECRET=(\\w{10,})'''
path = '''(^|/)\\.env$'''
`);
  assert.deepEqual(scan(file, "", "certs/signing.p12"), ["pkcs12-file:"]);
  assert.deepEqual(scan(file, "SECRET=k3j9x8q2m5v7\n", "deploy/.env"), ["env-only:k3j9x8q2m5v7"]);
  assert.deepEqual(scan(file, "SECRET=k3j9x8q2m5v7\n", "docs/env.md"), []);
});

test("rule allowlists: regexes (secret, match or line), paths, commits, stopwords; the old and new spellings", () => {
  const file = config(`
[[rules]]
id = "acme-token"
regex = '''(acme_[a-z0-9]{16})'''
keywords = ["acme_"]

  [rules.allowlist]
  regexes = ['''^acme_0000''']

  [[rules.allowlists]]
  paths = ['''^fixtures/''']
  commits = ["c0ffee"]

  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''#\\s*fake''']

  [[rules.allowlists]]
  regexTarget = "match"
  stopwords = ["sample"]
  regexes = ['''nothing-matches-this''']
`);
  assert.deepEqual(scan(file, "t = acme_0000k3j9x8q2m5v7\n"), [], "regex on the secret");
  assert.deepEqual(scan(file, "t = acme_k3j9x8q2m5v7b1n4\n", "fixtures/a.py"), [], "path");
  assert.deepEqual(scan(file, "t = acme_k3j9x8q2m5v7b1n4\n", "src/a.py", "c0ffee1234567890"), [], "commit, by prefix");
  assert.deepEqual(scan(file, "t = acme_k3j9x8q2m5v7b1n4  # fake\n"), [], "regex on the line");
  assert.deepEqual(scan(file, "t = acme_samplek3j9x8q2m\n"), [], "stopword (OR with a regex that does not match)");
  assert.deepEqual(scan(file, "t = acme_k3j9x8q2m5v7b1n4\n", "src/a.py", "deadbeef"), ["acme-token:acme_k3j9x8q2m5v7b1n4"]);
});

test("condition = AND needs every check of the allowlist", () => {
  const file = config(`
[[rules]]
id = "acme-token"
regex = '''(acme_[a-z0-9]{16})'''

[[rules.allowlists]]
condition = "AND"
paths = ['''^tests/''']
stopwords = ["k3j9"]
`);
  assert.deepEqual(scan(file, "acme_k3j9x8q2m5v7b1n4\n", "tests/a.py"), []);
  assert.deepEqual(scan(file, "acme_k3j9x8q2m5v7b1n4\n", "src/a.py"), ["acme-token:acme_k3j9x8q2m5v7b1n4"]);
  assert.deepEqual(scan(file, "acme_x8q2m5v7b1n4k3j8\n", "tests/a.py"), ["acme-token:acme_x8q2m5v7b1n4k3j8"]);
});

test("global [allowlist] and [[allowlists]] with targetRules", () => {
  const file = config(`
[extend]
useDefault = true

[allowlist]
description = "vendored code"
paths = ['''^vendor/''']

[[allowlists]]
targetRules = ["npm-access-token"]
regexTarget = "line"
regexes = ['''//\\s*rotated''']
`);
  const npm = `npm_${"Zq8dK2mPx7Lr4Tn9Wb3Vc6Hs1Jf5Gy0aBcDe"}`;
  const gh = `ghp_${"Zq8dK2mPx7Lr4Tn9Wb3Vc6Hs1Jf5Gy0aBcDe"}`;
  assert.deepEqual(scan(file, `${npm}\n`, "vendor/lib.js"), []);
  assert.deepEqual(scan(file, `a = "${npm}" // rotated\nb = "${gh}" // rotated\n`), [`github-pat:${gh}`]);
});

test("[extend] useDefault adds custom rules to the defaults; disabledRules and same-id rules change them", () => {
  const file = config(`
[extend]
useDefault = true
disabledRules = ["jwt"]

${INTERNAL.replace('title = "internal tokens"', "")}

[[rules]]
id = "github-pat"
description = "GitHub token (company wording)"
[[rules.allowlists]]
paths = ['''^docs/''']
`);
  const ruleset = loadConfigFile(file);
  const ids = ruleset.rules.map((r) => r.id);
  assert.equal(ids.length, DEFAULT_RULES.length, "one disabled, one added");
  assert.ok(ids.includes("acme-token") && !ids.includes("jwt"));
  const gh = ruleset.rules.find((r) => r.id === "github-pat");
  assert.equal(gh?.description, "GitHub token (company wording)");
  assert.ok(gh?.regex, "the default pattern is kept");
  const token = `ghp_${"Zq8dK2mPx7Lr4Tn9Wb3Vc6Hs1Jf5Gy0aBcDe"}`; // gitleaks:allow (a fixture the scanner must find)
  assert.deepEqual(scan(file, `${token}\n`, "src/a.py"), [`github-pat:${token}`]);
  assert.deepEqual(scan(file, `${token}\n`, "docs/a.md"), []);
});

test("[extend] path builds on another file, relative to this one", () => {
  config(INTERNAL, "base.toml");
  const file = config(`
[extend]
path = "base.toml"

[[rules]]
id = "beta-token"
regex = '''beta_[a-z0-9]{16}'''
`);
  assert.deepEqual(
    loadConfigFile(file).rules.map((r) => r.id),
    ["acme-token", "beta-token"],
  );
});

test("the repository's .gitleaks.toml is used when no file is named", () => {
  const repo = mkdtempSync(join(dir, "repo-"));
  assert.equal(loadRuleset(undefined, repo).source, "built-in rules");
  writeFileSync(join(repo, ".gitleaks.toml"), INTERNAL);
  const { ruleset, source } = loadRuleset(undefined, repo);
  assert.equal(source, ".gitleaks.toml");
  assert.deepEqual(
    ruleset.rules.map((r) => r.id),
    ["acme-token"],
  );
  assert.equal(defaultRuleset().rules.length, DEFAULT_RULES.length);
});

test("mistakes are errors that say where", () => {
  const cases: [string, RegExp][] = [
    ["[[rules]]\nid = 'x'\nregex = '(unclosed'\n", /rule 'x'.regex: invalid regular expression/],
    ["[[rules]]\nid = 'x'\nregex = 'a'\nentropy = 'high'\n", /rule 'x': entropy must be a number/],
    ["[[rules]]\nid = 'x'\nregex = 'a'\nkeywords = 'a'\n", /keywords must be an array of strings/],
    ["[[rules]]\nid = 'x'\nregex = '(a)'\nsecretGroup = 2\n", /secretGroup 2 but the regex has 1 capture group/],
    ["[[rules]]\nid = 'x'\n", /needs a regex, a path, or both/],
    ["[[rules]]\nregex = 'a'\n", /id is required/],
    ["[[rules]]\nid = 'x'\nregex = 'a'\n[[rules]]\nid = 'x'\nregex = 'b'\n", /defined twice/],
    ["[[rules]]\nid = 'x'\nregex = 'a'\n[rules.allowlist]\ndescription = 'empty'\n", /at least one of regexes, paths, commits or stopwords/],
    ["[[rules]]\nid = 'x'\nregex = 'a'\n[rules.allowlist]\nregexTarget = 'file'\npaths = ['a']\n", /regexTarget must be secret, match or line/],
    ["[allowlist]\npaths = ['a']\n", /no rules/],
    ["[[rules]\nid = 'x'\n", /:1:\d+: /],
  ];
  for (const [text, message] of cases) {
    const file = config(text);
    assert.throws(
      () => loadConfigFile(file),
      (err: unknown) => err instanceof SecretsConfigError && message.test(err.message) && err.message.includes(file),
      text,
    );
  }
  assert.throws(() => loadConfigFile(join(dir, "missing.toml")), /cannot read the secrets configuration/);
});
