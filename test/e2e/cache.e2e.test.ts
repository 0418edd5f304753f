// actions/cache in real runs: the first run misses and saves in the post steps, the second
// restores on an exact hit; then `tierci cache ls|rm|prune` on what was saved.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunSummary } from "../../src/reports/run-summary.js";
import { repoFactory, runCli, type TempRepo } from "./harness.js";

const makeRepo = repoFactory();

function run(r: TempRepo): { code: number; summary: RunSummary; logs: string } {
  const res = r.cli("run", "--offline", "--json", "-");
  const summary = JSON.parse(res.stdout) as RunSummary;
  const logs = runCli(["logs", String(summary.run_number), "--repo", r.dir]).stdout;
  return { code: res.code, summary, logs };
}

const workflow = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: deps
        uses: actions/cache@v4
        with:
          path: |
            deps
            !deps/*.log
          key: deps-\${{ hashFiles('lock.txt') }}
          restore-keys: deps-
      - id: tool
        uses: actions/cache@v4
        with:
          path: ~/.tool-cache
          key: tool-v1
      - run: echo "deps-hit=[\${{ steps.deps.outputs.cache-hit }}] tool-hit=[\${{ steps.tool.outputs.cache-hit }}]"
      - if: steps.deps.outputs.cache-hit != 'true'
        run: mkdir -p deps ~/.tool-cache && echo built > deps/out.txt && echo noise > deps/build.log && echo tool > ~/.tool-cache/t
      - run: test "$(cat deps/out.txt)" = built && test "$(cat ~/.tool-cache/t)" = tool && test ! -e deps/build.log -o "\${{ steps.deps.outputs.cache-hit }}" != true
`;

test("actions/cache@v4: first run misses and saves, second run hits exactly; the cache command lists and removes", () => {
  const r = makeRepo({ "lock.txt": "v1\n", ".github/workflows/ci.yml": workflow });

  const first = run(r);
  assert.equal(first.code, 0, first.logs);
  assert.match(first.logs, /deps-hit=\[\] tool-hit=\[\]/);
  assert.match(first.logs, /Cache saved with key: deps-[0-9a-f]{64}/);
  assert.match(first.logs, /Cache saved with key: tool-v1/);
  assert.deepEqual(
    first.summary.caches.map((c) => [c.key.replace(/[0-9a-f]{64}/, "H"), c.hit, c.restored_key]),
    [
      ["deps-H", false, null],
      ["tool-v1", false, null],
    ],
  );

  const second = run(r);
  assert.equal(second.code, 0, second.logs);
  assert.match(second.logs, /deps-hit=\[true\] tool-hit=\[true\]/);
  assert.match(second.logs, /Cache hit occurred on the primary key tool-v1, not saving cache\./);
  assert.deepEqual(
    second.summary.caches.map((c) => [c.key.replace(/[0-9a-f]{64}/, "H"), c.hit, c.restored_key?.replace(/[0-9a-f]{64}/, "H")]),
    [
      ["deps-H", true, "deps-H"],
      ["tool-v1", true, "tool-v1"],
    ],
  );
  const skipped = second.summary.jobs[0]?.steps.find((s) => s.name.startsWith("Run mkdir"));
  assert.equal(skipped?.conclusion, "skipped");

  const ls = r.cli("cache", "ls", "--json", "-");
  assert.equal(ls.code, 0, ls.stderr);
  const listed = JSON.parse(ls.stdout) as { entries: { key: string; scope: string; size: number }[] };
  assert.deepEqual(listed.entries.map((e) => [e.key.replace(/[0-9a-f]{64}/, "H"), e.scope]).sort(), [
    ["deps-H", "refs/heads/main"],
    ["tool-v1", "refs/heads/main"],
  ]);
  assert.match(r.cli("cache", "ls").stdout, /tool-v1\s+refs\/heads\/main\s+5 B/);

  assert.equal(r.cli("cache", "rm", "tool-v1").code, 0);
  assert.equal(r.cli("cache", "rm", "tool-v1").code, 1);
  assert.equal(r.cli("cache", "rm").code, 2);
  const pruned = r.cli("cache", "prune", "--max-size", "0", "--json", "-");
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.equal((JSON.parse(pruned.stdout) as { removed: unknown[] }).removed.length, 1);
  assert.deepEqual((JSON.parse(r.cli("cache", "ls", "--json", "-").stdout) as { entries: unknown[] }).entries, []);

  const third = run(r);
  assert.match(third.logs, /Cache not found for input keys: deps-[0-9a-f]{64}, deps-/);
});
