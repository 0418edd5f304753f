// Secrets reach tierci without sitting where a step (or `ps`) can read them: tierci's command
// line, its environment as jobs inherit it. The attacks are the ones a hostile step would try.
import assert from "node:assert/strict";
import { test } from "node:test";
import { repoFactory, runCli } from "./harness.js";

const repo = repoFactory();
const SECRET = "Zq7-very-Secret-Value-81";
const reversed = [...SECRET].reverse().join("");

const SNOOP = `on: push
jobs:
  snoop:
    runs-on: ubuntu-latest
    steps:
      - name: read the parent's command line and the environment, reversed to get past masking
        run: |
          echo "title: $(tr '\\0' ' ' < /proc/$PPID/cmdline)"
          tr '\\0' '\\n' < /proc/$PPID/cmdline | rev
          env | rev
      - name: use the secret as workflows do
        env:
          TOKEN: \${{ secrets.TOKEN }}
        run: printf '%s' "$TOKEN" | rev; echo
`;

test("--secret NAME=VALUE is taken off tierci's process title before any step runs, with a warning", () => {
  const r = repo({ ".github/workflows/s.yml": SNOOP });
  const res = runCli(["run", "--offline", "--repo", r.dir, "--secret", `TOKEN=${SECRET}`]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stderr, /warning: --secret NAME=VALUE shows the value/);
  assert.match(res.stdout, /title: tierci run/);
  const seen = res.stdout.split("\n").filter((l) => l.includes(reversed));
  assert.equal(seen.length, 1, `only the step that uses the secret on purpose shows it:\n${seen.join("\n")}`);
});

test("--secret NAME reads the environment variable, and jobs do not inherit that variable", () => {
  const r = repo({ ".github/workflows/s.yml": SNOOP });
  const res = runCli(["run", "--offline", "--repo", r.dir, "--secret", "TOKEN"], undefined, { env: { TOKEN: SECRET } });
  assert.equal(res.code, 0, res.stderr);
  assert.doesNotMatch(res.stderr, /warning: --secret/);
  const seen = res.stdout.split("\n").filter((l) => l.includes(reversed));
  assert.equal(seen.length, 1, `the secret arrived where it was asked for, nowhere else:\n${seen.join("\n")}`);
  const missing = runCli(["run", "--offline", "--repo", r.dir, "--secret", "NOT_SET_ANYWHERE"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--secret NOT_SET_ANYWHERE: the environment variable NOT_SET_ANYWHERE is not set/);
});

test("--secret-file - reads NAME=VALUE lines from standard input", () => {
  const r = repo({ ".github/workflows/s.yml": SNOOP });
  const res = runCli(["run", "--offline", "--repo", r.dir, "--secret-file", "-"], undefined, { input: `TOKEN=${SECRET}\n` });
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout.split("\n").filter((l) => l.includes(reversed)).length, 1);
  assert.ok(!res.stdout.includes(SECRET), "the plain value is masked");
});
