// Secrets reach tierci without sitting where a step (or `ps`) can read them: tierci's command
// line, its environment as jobs inherit it. The attacks are the ones a hostile step would try.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoFactory, runCli } from "./harness.js";

const repo = repoFactory();

/** Every file under dir whose bytes hold the text, in any of the encodings a leak could take. */
function stateFilesContaining(dir: string, text: string): string[] {
  const needles = [Buffer.from(text), Buffer.from(text, "utf16le"), Buffer.from(Buffer.from(text).toString("base64").slice(0, 16))];
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (needles.some((n) => readFileSync(p).includes(n))) found.push(p);
      if (name.includes(text)) found.push(`${p} (its name)`);
    }
  };
  walk(dir);
  return found;
}
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

test("step names with a secret, directly or through env, are masked in the terminal, logs, JSON, report and database", () => {
  const r = repo({
    ".github/workflows/n.yml": `on: push
env:
  DERIVED: tok-\${{ secrets.TOKEN }}
jobs:
  named:
    runs-on: ubuntu-latest
    steps:
      - name: Deploy \${{ secrets.TOKEN }}
        run: echo deployed
      - name: Via env \${{ env.DERIVED }}
        run: echo "::warning file=\${{ secrets.TOKEN }}.txt,line=1::look"
`,
  });
  const res = runCli(["run", "--offline", "--repo", r.dir, "--json", "-", "--secret", "TOKEN"], undefined, { env: { TOKEN: SECRET } });
  assert.equal(res.code, 0, res.stderr);
  const json = JSON.parse(res.stdout) as { jobs: { steps: { name: string }[]; annotations: { file: string | null }[] }[] };
  assert.deepEqual(
    json.jobs[0]?.steps.map((s) => s.name),
    ["Deploy ***", "Via env tok-***"],
  );
  assert.equal(json.jobs[0]?.annotations[0]?.file, "***.txt");
  const report = runCli(["report", "1", "--repo", r.dir, "--html", `${r.dir}/.tierci/report.html`]);
  assert.equal(report.code, 0, report.stderr);
  const logs = runCli(["logs", "1", "--repo", r.dir]);
  for (const text of [res.stdout, res.stderr, logs.stdout]) assert.ok(!text.includes(SECRET));
  assert.deepEqual(stateFilesContaining(`${r.dir}/.tierci`, SECRET), []);
});
