import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../../../test/support/git-repo.js";
import { parseRequirements } from "./requirements.js";

const roots: string[] = [];
after(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = tempDir("tierci-req-");
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test("pinned requirements become dependencies at their line; the rest become notes", () => {
  const root = tree({
    "requirements.txt": [
      "# a comment",
      "--index-url https://pypi.example/simple",
      "Jinja2==2.11.2  # pinned",
      "requests[socks]==2.25.0 ; python_version >= '3.6' \\",
      "    --hash=sha256:aaaa \\",
      "    --hash=sha256:bbbb",
      "flask>=2.0",
      "numpy",
      "-e ./local-package",
      "./wheels/thing-1.0-py3-none-any.whl",
      "git+https://github.com/org/repo.git#egg=repo",
      "-c constraints.txt",
      "pkg==not a version",
      "",
    ].join("\n"),
  });
  const result = parseRequirements(root, "requirements.txt", new Set());
  assert.deepEqual(result.dependencies, [
    { ecosystem: "PyPI", name: "Jinja2", version: "2.11.2", file: "requirements.txt", line: 3 },
    { ecosystem: "PyPI", name: "requests", version: "2.25.0", file: "requirements.txt", line: 4 },
  ]);
  assert.deepEqual(
    result.notes.map((n) => [n.line, n.message.replace(/:.*/, "")]),
    [
      [7, "cannot audit unpinned flask (the range '>=2.0')"],
      [8, "cannot audit unpinned numpy (no version given)"],
      [9, "cannot audit the editable install ./local-package"],
      [10, "cannot audit ./wheels/thing-1.0-py3-none-any.whl"],
      [11, "cannot audit git+https"],
      [13, "cannot audit 'pkg==not a version'"],
    ],
  );
});

test("-r includes are followed relative to the including file, once each, cycles included", () => {
  const root = tree({
    "requirements/dev.txt": "-r base.txt\n--requirement=../requirements/base.txt\npytest==7.0.0\n-r missing.txt\n",
    "requirements/base.txt": "-r dev.txt\nurllib3==1.26.4\n",
  });
  const visited = new Set<string>();
  const result = parseRequirements(root, "requirements/dev.txt", visited);
  assert.deepEqual(
    result.dependencies.map((d) => [d.file, d.line, d.name]),
    [
      ["requirements/base.txt", 2, "urllib3"],
      ["requirements/dev.txt", 3, "pytest"],
    ],
  );
  assert.deepEqual(
    result.notes.map((n) => [n.file, n.line]),
    [["requirements/dev.txt", 4]],
  );
  assert.equal(visited.size, 2);
  assert.deepEqual(parseRequirements(root, "requirements/base.txt", visited), { dependencies: [], notes: [] });
});
