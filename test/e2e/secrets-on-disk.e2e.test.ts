// A secret in a cache key or an artifact name reaches no file of the state directory, in any of
// its usual encodings, and the cache and the artifact still work under their masked names.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoFactory, runCli } from "./harness.js";

const newRepo = repoFactory();
const SECRET = "SuperSecretValue123";

const WORKFLOW = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: mkdir -p d && echo x > d/f
      - uses: actions/cache@v4
        id: cache
        with:
          path: d
          key: deps-\${{ secrets.TOK }}
      - run: echo "hit=\${{ steps.cache.outputs.cache-hit }}"
      - uses: actions/upload-artifact@v4
        with:
          name: art-\${{ secrets.TOK }}
          path: d
      - uses: actions/download-artifact@v4
        with:
          name: art-\${{ secrets.TOK }}
          path: back
      - run: cat back/f
`;

function everyFile(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? [path, ...everyFile(path)] : [path];
  });
}

test("cache keys and artifact names holding a secret are kept masked on disk, and still work", () => {
  const repo = newRepo({ ".github/workflows/ci.yml": WORKFLOW });
  const env = { ...process.env, TOK: SECRET };
  const first = runCli(["run", "--repo", repo.dir, "--secret", "TOK"], undefined, { env });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.doesNotMatch(first.stdout, /hit=true/);
  const second = runCli(["run", "--repo", repo.dir, "--secret", "TOK"], undefined, { env });
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /Cache hit for: deps-\*\*\*/);
  assert.match(second.stdout, /hit=true/);
  // The post step knows it was an exact hit, though the key it sees is masked.
  assert.match(second.stdout, /Cache hit occurred on the primary key deps-\*\*\*, not saving cache/);
  const forms = [SECRET, Buffer.from(SECRET).toString("base64"), Buffer.from(SECRET).toString("hex")];
  for (const path of everyFile(join(repo.dir, ".tierci"))) {
    for (const form of forms) assert.ok(!path.includes(form), `a path holds the secret: ${path}`);
    if (statSync(path).isFile()) {
      const bytes = readFileSync(path).toString("latin1");
      for (const form of forms) assert.ok(!bytes.includes(form), `${path} holds the secret (${form})`);
    }
  }
  const ls = runCli(["artifacts", "ls", "2", "--repo", repo.dir]);
  assert.match(ls.stdout, /art-\(masked\)/);
});
