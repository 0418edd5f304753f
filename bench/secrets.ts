// Secret scanning: (a) the full history of a large synthetic repository (2,000 commits over
// 3,000 files, built with git fast-import) against the floor of `git log -p --all` into
// /dev/null in the same run; (b) precision and recall on a generated, labelled corpus of fake
// credentials and look-alikes.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultRuleset } from "../src/gates/secrets/config.js";
import { Detector } from "../src/gates/secrets/detector.js";
import { COMMIT_FORMAT, PATCH_OPTIONS } from "../src/gates/secrets/patch.js";
import { secretHash } from "../src/gates/secrets/redact.js";
import { scanSecrets } from "../src/gates/secrets/scan.js";
import { corpus, Random, SECRET_FAMILIES } from "../test/support/secret-corpus.js";
import { median, report, timeRuns } from "./stats.js";

const FILES = 3000;
const COMMITS = 2000;
const PLANTED = [
  "github-pat",
  "aws-access-key-id",
  "stripe-secret-key",
  "slack-webhook-url",
  "npm-access-token",
  "private-key",
  "jwt",
  "gcp-api-key",
  "sendgrid-api-key",
  "generic-secret",
];

const WORDS = [
  "order",
  "price",
  "risk",
  "limit",
  "market",
  "signal",
  "account",
  "balance",
  "report",
  "cache",
  "client",
  "config",
  "session",
  "user",
  "token",
  "event",
  "queue",
  "retry",
  "buffer",
  "window",
];

function ident(r: Random): string {
  return `${r.pick(WORDS)}_${r.pick(WORDS)}`;
}

/** One line of plausible source: code, configuration and prose, some with the words credentials sit next to. */
function codeLine(r: Random): string {
  const a = ident(r);
  const b = ident(r);
  const n = r.int(0, 5000);
  switch (r.int(0, 13)) {
    case 0:
      return `def ${a}(${b}, timeout=${n}):`;
    case 1:
      return `    return ${a} + ${b} * ${n}`;
    case 2:
      return `import ${r.pick(WORDS)}.${r.pick(WORDS)} as ${b}`;
    case 3:
      return `    logger.info("processed %d ${r.pick(WORDS)} for %s", ${a}, ${b})`;
    case 4:
      return `const ${a} = await fetch${r.pick(WORDS)}(${b}, { timeout: ${n} });`;
    case 5:
      return `export function ${a}(${b}: string): number {`;
    case 6:
      return `# ${r.pick(WORDS)} ${r.pick(WORDS)} is checked before the ${r.pick(WORDS)} ${r.pick(WORDS)} is sent`;
    case 7:
      return `    token = request.headers.get("Authorization", "")`;
    case 8:
      return `    password_hash = hash_password(user.${a})`;
    case 9:
      return `      - name: ${r.pick(WORDS)} ${r.pick(WORDS)}\n        run: pytest -m "not slow" --maxfail=${r.int(1, 9)}`;
    case 10:
      return `    if ${a} > ${n} and not ${b}:`;
    case 11:
      return `  "${a}": "${r.uuid()}",`;
    case 12:
      return `secret_name = settings.${a.toUpperCase()}`;
    default:
      return `        self.${a} = ${b}.get("${r.pick(WORDS)}", ${n})`;
  }
}

function fileText(r: Random): string[] {
  return Array.from({ length: r.int(40, 160) }, () => codeLine(r));
}

function plantedLine(secret: string): string {
  return `CREDENTIAL = ${JSON.stringify(secret)}`;
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/** A fast-import stream: one commit adding every file, then commits editing a few files each, some adding a secret that a later commit removes. */
function history(r: Random, planted: string[]): string[] {
  const ext = [".py", ".ts", ".yml", ".md"];
  const paths = Array.from({ length: FILES }, (_, i) => `pkg${i % 40}/mod${i % 9}/file${i}${ext[i % ext.length]}`);
  const contents = paths.map(() => fileText(r));
  const chunks: string[] = [];
  let time = 1_600_000_000;
  const commit = (message: string, changes: number[]): void => {
    time += r.int(60, 7200);
    chunks.push(`commit refs/heads/main\ncommitter Bench <bench@example.com> ${time} +0000\n${data(message)}`);
    for (const i of changes) chunks.push(`M 100644 inline ${paths[i]}\n${data(`${(contents[i] as string[]).join("\n")}\n`)}`);
    chunks.push("\n");
  };
  commit(
    "initial import",
    paths.map((_, i) => i),
  );
  const secretAt = new Map<number, string>();
  planted.forEach((secret, k) => secretAt.set(Math.floor(((k + 1) * COMMITS) / (planted.length + 1)), secret));
  for (let c = 1; c < COMMITS; c++) {
    const touched = new Set(Array.from({ length: r.int(3, 8) }, () => r.int(0, FILES - 1)));
    for (const i of touched) {
      const lines = contents[i] as string[];
      for (let e = r.int(1, 6); e > 0; e--) {
        const at = r.int(0, lines.length);
        const edit = r.int(0, 2);
        if (edit === 0) lines.splice(at, 0, codeLine(r));
        else if (edit === 1 && lines.length > 10) lines.splice(at, 1);
        else lines[Math.min(at, lines.length - 1)] = codeLine(r);
      }
    }
    const secret = secretAt.get(c);
    const [first] = touched;
    if (secret !== undefined && first !== undefined) (contents[first] as string[]).splice(3, 0, plantedLine(secret));
    // Ten commits later the secret is removed again: only the history holds it.
    const planted10 = secretAt.get(c - 10);
    if (planted10 !== undefined) {
      for (const lines of contents) {
        const at = lines.indexOf(plantedLine(planted10));
        if (at >= 0) lines.splice(at, 1);
      }
    }
    commit(`change ${c}`, [...touched]);
  }
  return chunks;
}

function buildRepo(): { dir: string; planted: string[] } {
  const r = new Random(20240601);
  const planted = PLANTED.map((family) => (SECRET_FAMILIES[family] as (r: Random) => string)(r));
  const dir = mkdtempSync(join(tmpdir(), "tierci-bench-secrets-"));
  spawnSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  const stream = join(dir, ".git", "import.stream");
  writeFileSync(stream, history(r, planted).join(""));
  const fd = openSync(stream, "r");
  const imported = spawnSync("git", ["fast-import", "--quiet"], { cwd: dir, stdio: [fd, "ignore", "inherit"] });
  closeSync(fd);
  rmSync(stream);
  if (imported.status !== 0) throw new Error("git fast-import failed");
  spawnSync("git", ["reset", "-q", "--hard"], { cwd: dir });
  // What the scanner should report for each planted line (a webhook's token part, a key block as written in the string).
  const detector = new Detector(defaultRuleset());
  const expected = planted.map((secret) => detector.detect({ path: "planted.py", text: plantedLine(secret) }).map((m) => secretHash(m.secret))[0] ?? "");
  return { dir, planted: expected };
}

async function gitToDevNull(dir: string, args: string[]): Promise<void> {
  const out = openSync("/dev/null", "w");
  try {
    const child = spawn("git", args, { cwd: dir, stdio: ["ignore", out, "inherit"] });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`git ${args.join(" ")} failed`);
  } finally {
    closeSync(out);
  }
}

/** CPU milliseconds of this process and of its waited-for children (Linux), or undefined elsewhere. */
function cpuMs(): { self: number; children: number } | undefined {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
    const tick = 10;
    const at = (i: number): number => Number(fields[i]) * tick;
    return { self: at(11) + at(12), children: at(13) + at(14) };
  } catch {
    return undefined;
  }
}

/** Total CPU time of `fn` (this process and the git it runs), median over runs. */
async function cpuRuns(runs: number, fn: () => Promise<unknown>): Promise<number | undefined> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = cpuMs();
    await fn();
    const after = cpuMs();
    if (!before || !after) return undefined;
    times.push(after.self - before.self + after.children - before.children);
  }
  return median(times);
}

async function benchHistory(): Promise<void> {
  const started = Date.now();
  const { dir, planted } = buildRepo();
  console.log(`secrets: built ${COMMITS} commits over ${FILES} files in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  try {
    const ruleset = defaultRuleset();
    const runs = 5;
    let found: string[] = [];
    let bytes = 0;
    const ours = await timeRuns(runs, async () => {
      const { report: r, stats } = await scanSecrets({ dir, mode: "history", ruleset });
      found = r.findings.map((f) => String(f.properties?.["secretSha256"]));
      bytes = stats.bytes;
    });
    const floor = await timeRuns(runs, () => gitToDevNull(dir, ["log", "-p", "--all"]));
    const sameArgs = await timeRuns(runs, () =>
      gitToDevNull(dir, ["-c", "core.quotePath=false", "log", ...PATCH_OPTIONS, "--no-show-signature", `--format=${COMMIT_FORMAT}`, "--all"]),
    );
    report("secrets history", "tierci secrets scan --history", ours, "git log -p --all > /dev/null", floor);
    report("secrets history", "tierci secrets scan --history", ours, "git log -p -U0 (the scan's own git arguments) > /dev/null", sameArgs);
    // The machine may be shared: CPU time (scanner plus its git) does not depend on the load.
    const ourCpu = await cpuRuns(3, () => scanSecrets({ dir, mode: "history", ruleset }));
    const floorCpu = await cpuRuns(3, () => gitToDevNull(dir, ["log", "-p", "--all"]));
    if (ourCpu !== undefined && floorCpu !== undefined) {
      console.log(
        `secrets history: CPU time median ${ourCpu.toFixed(0)} ms (scanner + its git) vs ${floorCpu.toFixed(0)} ms (git log -p --all); ratio ${(ourCpu / floorCpu).toFixed(2)}x`,
      );
    }
    const hits = planted.filter((h) => found.includes(h)).length;
    console.log(
      `secrets history: ${(bytes / 1e6).toFixed(1)} MB of added lines at ${(bytes / 1e6 / (median(ours) / 1000)).toFixed(1)} MB/s; ` +
        `${hits} of ${planted.length} planted secrets found, ${found.length - hits} other finding(s)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchCorpus(): void {
  const detector = new Detector(defaultRuleset());
  const samples = corpus(424242, 60, 3000);
  let tp = 0;
  let rightRule = 0;
  let fn = 0;
  let fp = 0;
  const missed = new Map<string, number>();
  const falsePositives = new Map<string, number>();
  for (const s of samples) {
    const found = detector.detect({ path: s.path, text: s.text });
    if (s.label === "look-alike") {
      if (found.length > 0) {
        fp += 1;
        for (const m of found) falsePositives.set(`${m.rule.id} in ${s.path}`, (falsePositives.get(`${m.rule.id} in ${s.path}`) ?? 0) + 1);
      }
    } else if (found.length > 0) {
      tp += 1;
      if (found.some((m) => m.rule.id === s.label)) rightRule += 1;
    } else {
      fn += 1;
      missed.set(s.label, (missed.get(s.label) ?? 0) + 1);
    }
  }
  const positives = tp + fn;
  console.log(
    `secrets corpus: ${positives} fake credentials (${Object.keys(SECRET_FAMILIES).length} families) and ${samples.length - positives} look-alikes; ` +
      `precision ${(tp / Math.max(1, tp + fp)).toFixed(4)}, recall ${(tp / positives).toFixed(4)} (with the family's own rule: ${(rightRule / positives).toFixed(4)})`,
  );
  if (missed.size > 0) console.log(`secrets corpus: missed ${[...missed].map(([k, v]) => `${k} ${v}`).join(", ")}`);
  if (falsePositives.size > 0) console.log(`secrets corpus: false positives ${[...falsePositives].map(([k, v]) => `${k} x${v}`).join(", ")}`);
}

export async function benchSecrets(): Promise<void> {
  await benchHistory();
  benchCorpus();
}
