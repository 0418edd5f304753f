import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { IngestError } from "./ingest-error.js";
import { parseSarif, readSarif } from "./sarif.js";

async function withRepo(files: string[], fn: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "tierci-sarif-"));
  try {
    for (const f of files) {
      await mkdir(dirname(join(root, f)), { recursive: true });
      await writeFile(join(root, f), "");
    }
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const CI_ROOT = "file:///home/runner/work/trader/trader/";

// A code scanner run on a CI runner (paths through a chain of uriBaseIds), then a secret
// scanner that leaves %SRCROOT% undefined.
const SARIF = {
  $schema: "https://json.schemastore.org/sarif-2.1.0.json",
  version: "2.1.0",
  runs: [
    {
      tool: {
        driver: {
          name: "CodeQL",
          semanticVersion: "2.17.0",
          rules: [
            {
              id: "py/sql-injection",
              shortDescription: { text: "SQL query built from user-controlled sources" },
              defaultConfiguration: { level: "error" },
              messageStrings: { default: { text: "This query depends on a {0}." } },
            },
            { id: "py/unused-import", shortDescription: { text: "Unused import" } },
          ],
        },
        extensions: [{ name: "codeql/python-queries", rules: [{ id: "py/weak-crypto", defaultConfiguration: { level: "note" } }] }],
      },
      originalUriBaseIds: { REPOROOT: { uri: CI_ROOT }, SRCROOT: { uri: "src/", uriBaseId: "REPOROOT" } },
      artifacts: [{ location: { uri: "src/trader/db.py", uriBaseId: "REPOROOT" } }],
      results: [
        {
          ruleId: "py/sql-injection",
          ruleIndex: 0,
          message: { id: "default", arguments: ["user-provided value"] },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: "trader/db.py", uriBaseId: "SRCROOT" },
                region: { startLine: 42, startColumn: 9, endLine: 42, endColumn: 31 },
              },
            },
          ],
        },
        {
          rule: { id: "py/unused-import", index: 1 },
          message: { text: "Import of 'os' is not used." },
          locations: [{ physicalLocation: { artifactLocation: { index: 0 }, region: { startLine: 1 } } }],
        },
        {
          rule: { id: "py/weak-crypto", index: 0, toolComponent: { index: 0 } },
          message: { text: "MD5 is a weak hash." },
          locations: [{ physicalLocation: { artifactLocation: { uri: `${CI_ROOT}src/trader/hash.py` }, region: { startLine: 7, startColumn: 5 } } }],
        },
        { ruleId: "py/unused-import", kind: "pass", message: { text: "checked" } },
        { ruleId: "py/unused-import", message: { text: "silenced with a comment" }, suppressions: [{ kind: "inSource" }] },
        {
          ruleId: "py/unused-import",
          level: "note",
          message: { text: "suppression under review" },
          suppressions: [{ kind: "external", status: "underReview" }],
        },
      ],
    },
    {
      tool: { driver: { name: "gitleaks", rules: [{ id: "aws-access-token", shortDescription: { text: "AWS access token" } }] } },
      results: [
        {
          ruleId: "aws-access-token",
          level: "error",
          message: { text: "AWS token {{redacted}} in {0}", arguments: ["settings"] },
          locations: [
            { physicalLocation: { artifactLocation: { uri: "config/settings%20dev.yml", uriBaseId: "%SRCROOT%" }, region: { startLine: 3, startColumn: 12 } } },
          ],
        },
        { ruleId: "aws-access-token", message: {} },
      ],
    },
  ],
};

test("SARIF: rules by index/id/extension, level defaults, messageStrings, uriBaseId chains, suppressions", async () => {
  await withRepo(["src/trader/db.py", "src/trader/hash.py"], async (root) => {
    const findings = parseSarif(JSON.stringify(SARIF), root, "results.sarif");
    assert.deepEqual(findings, [
      {
        tool: "CodeQL",
        ruleId: "py/sql-injection",
        level: "error",
        message: "This query depends on a user-provided value.",
        file: "src/trader/db.py",
        line: 42,
        col: 9,
        endLine: 42,
        endCol: 31,
      },
      { tool: "CodeQL", ruleId: "py/unused-import", level: "warning", message: "Import of 'os' is not used.", file: "src/trader/db.py", line: 1 },
      { tool: "CodeQL", ruleId: "py/weak-crypto", level: "note", message: "MD5 is a weak hash.", file: "src/trader/hash.py", line: 7, col: 5 },
      { tool: "CodeQL", ruleId: "py/unused-import", level: "none", message: "checked" },
      { tool: "CodeQL", ruleId: "py/unused-import", level: "note", message: "suppression under review" },
      {
        tool: "gitleaks",
        ruleId: "aws-access-token",
        level: "error",
        message: "AWS token {redacted} in settings",
        file: "config/settings dev.yml",
        line: 3,
        col: 12,
      },
      { tool: "gitleaks", ruleId: "aws-access-token", level: "warning", message: "AWS access token" },
    ]);
  });
});

test("SARIF: a file:// URI inside the repository, a base URI without a trailing slash, an http URI kept", async () => {
  await withRepo([], async (root) => {
    const doc = {
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "semgrep" } },
          originalUriBaseIds: { ROOT: { uri: pathToFileURL(root).href } },
          results: [
            {
              ruleId: "a",
              message: { text: "m" },
              locations: [{ physicalLocation: { artifactLocation: { uri: pathToFileURL(join(root, "app", "main.py")).href } } }],
            },
            { ruleId: "b", message: { text: "m" }, locations: [{ physicalLocation: { artifactLocation: { uri: "lib/x.js", uriBaseId: "ROOT" } } }] },
            { ruleId: "c", message: { text: "m" }, locations: [{ physicalLocation: { artifactLocation: { uri: "https://example.com/pkg/x.js" } } }] },
            { ruleId: "d", message: { text: "m" }, locations: [{ physicalLocation: { artifactLocation: { uri: "./odd%name.py" } } }] },
          ],
        },
      ],
    };
    assert.deepEqual(
      parseSarif(JSON.stringify(doc), root).map((f) => f.file),
      ["app/main.py", "lib/x.js", "https://example.com/pkg/x.js", "odd%name.py"],
    );
  });
});

test("readSarif reads a file; malformed logs are IngestErrors with the position", async () => {
  await withRepo(["src/trader/db.py", "src/trader/hash.py"], async (root) => {
    const path = join(root, "codeql.sarif");
    await writeFile(path, JSON.stringify(SARIF, null, 2));
    assert.equal((await readSarif(path, root)).length, 7);
    await writeFile(path, '{\n  "version": "2.1.0",\n  "runs": [\n    {"tool": {"driver": {"name": "x"}}, "results": [}\n  ]\n}');
    await assert.rejects(
      readSarif(path, root),
      (err: unknown) => err instanceof IngestError && err.message === `${path}:4:53: invalid JSON: unexpected character '}'`,
    );
  });
  assert.throws(
    () => parseSarif('{"version": "2.1.0"}', "/repo", "x.sarif"),
    (err: unknown) => err instanceof IngestError && err.message === 'x.sarif: not a SARIF log: no "runs" array',
  );
  assert.throws(() => parseSarif('{"version": "1.0.0", "runs": []}', "/repo", "x.sarif"), /SARIF version 1\.0\.0 is not supported \(only 2\.1\.0\)/);
});

test("any value of the wrong type anywhere in a log gives findings or an IngestError, never a crash", async () => {
  const replacements: unknown[] = [null, -1, "%zz", [], {}, [null]];
  const paths = (value: unknown, at: string[] = []): string[][] =>
    typeof value === "object" && value !== null ? [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))] : [at];
  const replaced = (path: string[], replacement: unknown): unknown => {
    const copy = structuredClone(SARIF) as unknown as Record<string, unknown>;
    let target: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
    const last = path[path.length - 1];
    if (last === undefined) return replacement;
    target[last] = replacement;
    return copy;
  };
  for (const path of paths(SARIF)) {
    for (const replacement of replacements) {
      try {
        parseSarif(JSON.stringify(replaced(path, replacement)), "/repo");
      } catch (err) {
        assert.ok(err instanceof IngestError, `${path.join(".")} = ${JSON.stringify(replacement)}: ${String(err)}`);
      }
    }
  }
});
