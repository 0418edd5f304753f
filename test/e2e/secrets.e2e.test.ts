// `tierci secrets scan` end to end: real repositories, the real CLI, exit codes, and the
// scanner running as the TruffleHog / gitleaks actions inside a pipeline.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../support/git-repo.js";
import { corpus, Random, SECRET_FAMILIES } from "../support/secret-corpus.js";
import { repoFactory, runCli } from "./harness.js";

const repo = repoFactory();
const r = new Random(31337);
const token = (family: string): string => (SECRET_FAMILIES[family] as (r: Random) => string)(r);
const scratch = tempDir("tierci-secrets-e2e-");
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Every look-alike of the corpus, one file per kind. */
function lookAlikeFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  corpus(5, 0, 200).forEach((s, i) => {
    const path = `${s.path.replace(/^\.(?=[^/])/, "dot-")}`.replace(/(\.[^./]+)?$/, `-${i}$1`);
    files[`fixtures/${path}`] = s.text;
  });
  return files;
}

test("a clean repository full of look-alike strings: no findings, exit 0, in every mode", () => {
  const files = lookAlikeFiles();
  const g = repo(files);
  const [first] = Object.keys(files);
  g.write({ [first as string]: `${files[first as string]}\n# edited\n` });
  g.git("add", first as string);
  for (const mode of [[], ["--history"], ["--staged"], ["fixtures"]]) {
    const res = g.cli("secrets", "scan", ...mode);
    assert.equal(res.code, 0, `${mode.join(" ")}: ${res.stdout}${res.stderr}`);
    assert.match(res.stdout, /no secrets found/);
  }
});

test("a secret committed and then deleted: exit 0 on the working tree, exit 1 with --history, naming the commit", () => {
  const stripe = token("stripe-secret-key");
  const g = repo({ "billing/config.py": `import os\nSTRIPE_KEY = "${stripe}"\n` });
  const leaked = g.git("rev-parse", "HEAD");
  g.write({ "billing/config.py": 'import os\nSTRIPE_KEY = os.environ["STRIPE_KEY"]\n' });
  g.commit("move the key to the environment");
  assert.equal(g.cli("secrets", "scan").code, 0);
  const res = g.cli("secrets", "scan", "--history");
  assert.equal(res.code, 1, res.stderr);
  assert.match(
    res.stdout,
    new RegExp(`^${leaked.slice(0, 12)} billing/config\\.py:2:15: error: Stripe live secret key: sk_l\\*\\*\\*\\*\\w{4} \\[stripe-secret-key\\]$`, "m"),
  );
  assert.ok(!res.stdout.includes(stripe));
  const json = JSON.parse(g.cli("secrets", "scan", "--history", "--json", "-").stdout) as {
    count: number;
    findings: { properties: Record<string, unknown> }[];
  };
  assert.equal(json.count, 1);
  assert.equal(json.findings[0]?.properties["commit"], leaked);
});

test("--staged, --sarif and a baseline from --write-baseline", () => {
  const g = repo({ "README.md": "# app\n" });
  g.write({ ".env": `SLACK_WEBHOOK=${token("slack-webhook-url")}\n` });
  assert.equal(g.cli("secrets", "scan", "--staged").code, 0, "not staged yet");
  g.git("add", ".env");
  const sarif = join(scratch, "staged.sarif");
  const staged = g.cli("secrets", "scan", "--staged", "--sarif", sarif);
  assert.equal(staged.code, 1);
  assert.match(staged.stdout, /^\.env:1:48: error: Slack incoming webhook URL/m);
  const doc = JSON.parse(readFileSync(sarif, "utf8")) as {
    version: string;
    runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[];
  };
  assert.equal(doc.version, "2.1.0");
  assert.equal(doc.runs[0]?.results[0]?.ruleId, "slack-webhook-url");
  const baseline = join(scratch, "baseline.json");
  assert.equal(g.cli("secrets", "scan", "--write-baseline", baseline).code, 1);
  assert.equal(g.cli("secrets", "scan", "--baseline", baseline).code, 0);
});

test("a .gitleaks.toml in the repository is used; --config names another file", () => {
  const g = repo({
    ".gitleaks.toml": "[extend]\nuseDefault = true\n\n[[rules]]\nid = 'acme-token'\nregex = '''acme_[a-z0-9]{16}'''\nkeywords = ['acme_']\n",
    "src/a.py": 'T = "acme_k3j9x8q2m5v7b1n4"\n',
  });
  const res = g.cli("secrets", "scan");
  assert.equal(res.code, 1);
  assert.match(res.stdout, /src\/a\.py:1:6: error: acme-token: acme\*\*\*\*b1n4 \[acme-token\].*\n.*\n.*with \.gitleaks\.toml/);
  const other = join(scratch, "only-github.toml");
  writeFileSync(other, "[[rules]]\nid = 'gh'\nregex = '''ghp_[A-Za-z0-9]{36}'''\n");
  assert.equal(g.cli("secrets", "scan", "--config", other).code, 0);
});

test("bad usage exits 2 with a message", () => {
  const g = repo({ "a.txt": "a\n" });
  const cases: [string[], RegExp][] = [
    [["secrets", "scan", "--history", "a.txt"], /choose one of --history, --staged or PATH/],
    [["secrets", "scan", "--redact", "x"], /--redact takes a number/],
    [["secrets", "scan", "--config", join(scratch, "none.toml")], /cannot read the secrets configuration/],
    [["secrets", "scan", "--bogus"], /unknown option/],
    [["secrets", "scan", "missing/dir"], /does not exist/],
    [["secrets", "scan", "--range", "no-such-branch"], /failed/],
  ];
  for (const [args, message] of cases) {
    const res = g.cli(...args);
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.stdout}${res.stderr}`);
    assert.match(res.stderr, message);
  }
  const bad = join(scratch, "bad.toml");
  writeFileSync(bad, "[[rules]]\nid = 'x'\nregex = '(oops'\n");
  const res = g.cli("secrets", "scan", "--config", bad);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /bad\.toml: rule 'x'\.regex: invalid regular expression/);
  const plain = join(scratch, "plain");
  mkdirSync(plain);
  const hist = runCli(["secrets", "scan", "--history", "--repo", plain]);
  assert.equal(hist.code, 2);
  assert.match(hist.stderr, /not inside a git repository/);
});

test("gitleaks/gitleaks-action and trufflesecurity/trufflehog in a workflow run the scanner and fail the job", () => {
  const workflow = `on: push
jobs:
  gitleaks:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: { fetch-depth: 0 }
      - uses: gitleaks/gitleaks-action@v2
  trufflehog:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: { fetch-depth: 0 }
      - uses: trufflesecurity/trufflehog@main
        with:
          extra_args: --only-verified
`;
  const g = repo({ ".github/workflows/secrets.yml": workflow, "deploy.sh": `export NPM_TOKEN=${token("npm-access-token")}\n` });
  g.write({ "deploy.sh": "export NPM_TOKEN=$NPM_TOKEN\n" });
  g.commit("use the secret store");
  const res = g.cli("run", "--offline", "--json", "-");
  assert.equal(res.code, 1, res.stderr);
  const summary = JSON.parse(res.stdout) as { jobs: { job_id: string; conclusion: string; annotations: { level: string; message: string }[] }[] };
  for (const job of summary.jobs) {
    assert.equal(job.conclusion, "failure", job.job_id);
    assert.ok(
      job.annotations.some((a) => a.level === "error" && /1 secret\(s\) found: deploy\.sh:1 \(npm-access-token\)/.test(a.message)),
      JSON.stringify(job.annotations),
    );
  }
});
