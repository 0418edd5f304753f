// Streaming a JUnit file of 100,000 test cases through readJUnit, against the I/O floor:
// the same file through fs.createReadStream, counting "<testcase" occurrences. Also the
// peak RSS growth while reading that file and one three times its size, to show memory
// is bounded by the chunk, not the file.
import { spawnSync } from "node:child_process";
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { readJUnit } from "../src/reports/ingest/junit.js";
import { median, report, timeRuns } from "./stats.js";

const CASES = 100_000;

function stackTrace(i: number): string {
  const frames = [];
  for (let f = 0; f < 24; f++) frames.push(`    at com.example.module${i % 37}.Service${f}.call(Service${f}.java:${(i * 7 + f) % 900})`);
  return `java.lang.AssertionError: expected <${i}> but was <${i + 1}>\n${frames.join("\n")}`;
}

/** Written in batches so that generating the file does not inflate the RSS measured later. */
function writeReport(file: string): { failed: number; skipped: number } {
  const fd = openSync(file, "w");
  let failed = 0;
  let skipped = 0;
  try {
    writeSync(fd, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench" tests="${CASES}">\n`);
    const perSuite = 500;
    for (let s = 0; s < CASES / perSuite; s++) {
      const parts = [
        `  <testsuite name="com.example.suite${s}.BenchTest" tests="${perSuite}" time="12.5">\n    <properties><property name="java.version" value="21"/></properties>\n`,
      ];
      for (let k = 0; k < perSuite; k++) {
        const i = s * perSuite + k;
        const head = `    <testcase name="test_${i} [param=&quot;${i % 13}&quot;]" classname="com.example.suite${s}.BenchTest" time="0.${String(i % 1000).padStart(3, "0")}"`;
        if (i % 10 === 3) {
          failed++;
          parts.push(
            `${head}>\n      <failure message="expected &lt;${i}&gt; but was &lt;${i + 1}&gt;" type="java.lang.AssertionError"><![CDATA[${stackTrace(i)}]]></failure>\n` +
              `      <system-out><![CDATA[log line for ${i}\n${"debug output & more\n".repeat(20)}]]></system-out>\n    </testcase>\n`,
          );
        } else if (i % 20 === 7) {
          skipped++;
          parts.push(`${head}>\n      <skipped message="not on this platform (${i})"/>\n    </testcase>\n`);
        } else {
          parts.push(`${head}/>\n`);
        }
      }
      parts.push("  </testsuite>\n");
      writeSync(fd, parts.join(""));
    }
    writeSync(fd, "</testsuites>\n");
  } finally {
    closeSync(fd);
  }
  return { failed, skipped };
}

const MEASURE_RSS = `
const { readJUnit } = await import(process.argv[1]);
const before = process.memoryUsage().rss;
let peak = before;
let n = 0;
for await (const r of readJUnit(process.argv[2])) if (++n % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
console.log(JSON.stringify({ n, growth: Math.max(peak, process.memoryUsage().rss) - before }));
`;

/** Peak RSS growth of reading a file in a new process, so earlier runs' heap does not hide it. */
function peakRssGrowth(file: string, expected: number): number {
  const junit = new URL("../src/reports/ingest/junit.js", import.meta.url).href;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", MEASURE_RSS, junit, file], { encoding: "utf8" });
  const out = JSON.parse(r.stdout || "{}") as { n?: number; growth?: number };
  if (r.status !== 0 || out.n !== expected || out.growth === undefined) throw new Error(`bench: RSS measurement failed: ${r.stderr || r.stdout}`);
  return out.growth;
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function countTestcases(file: string): Promise<number> {
  let n = 0;
  let carry = "";
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 64 * 1024 })) {
    const text = carry + (chunk as string);
    for (let i = text.indexOf("<testcase"); i !== -1; i = text.indexOf("<testcase", i + 9)) n++;
    // Keep a tail shorter than the needle, so a match cut by the chunk boundary is found once.
    carry = text.slice(-8);
  }
  return n;
}

export async function benchIngest(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tierci-bench-ingest-"));
  try {
    const file = join(dir, "junit.xml");
    const expected = writeReport(file);
    const mb = statSync(file).size / (1024 * 1024);
    const runs = 5;
    // CPU time besides wall time: on a shared, loaded machine it is the steadier figure.
    const oursCpu: number[] = [];
    const floorCpu: number[] = [];
    const ours = await timeRuns(runs, async () => {
      const cpu = process.cpuUsage();
      let total = 0;
      let failed = 0;
      let skipped = 0;
      for await (const r of readJUnit(file)) {
        total++;
        if (r.status === "failed") failed++;
        else if (r.status === "skipped") skipped++;
      }
      oursCpu.push(cpuMs(cpu));
      if (total !== CASES || failed !== expected.failed || skipped !== expected.skipped) {
        throw new Error(`bench: read ${total} cases (${failed} failed, ${skipped} skipped), expected ${CASES} (${expected.failed}, ${expected.skipped})`);
      }
    });
    const floor = await timeRuns(runs, async () => {
      const cpu = process.cpuUsage();
      const n = await countTestcases(file);
      floorCpu.push(cpuMs(cpu));
      if (n !== CASES) throw new Error(`bench: counted ${n} <testcase, expected ${CASES}`);
    });
    report(`ingest (JUnit, ${CASES.toLocaleString("en")} cases, ${mb.toFixed(1)} MB)`, "readJUnit", ours, "createReadStream + count '<testcase'", floor);
    console.log(
      `ingest: CPU time median ${median(oursCpu).toFixed(1)} ms vs ${median(floorCpu).toFixed(1)} ms; ratio ${(median(oursCpu) / median(floorCpu)).toFixed(2)}x`,
    );
    const perSecond = CASES / (median(ours) / 1000);
    console.log(`ingest: ${Math.round(perSecond).toLocaleString("en")} cases/s`);
    // The same report three times over (three root elements, as concatenated reports come):
    // if memory were proportional to the input, the growth would triple.
    const triple = join(dir, "junit-x3.xml");
    for (let i = 0; i < 3; i++) await pipeline(createReadStream(file), createWriteStream(triple, { flags: "a" }));
    const one = peakRssGrowth(file, CASES);
    const three = peakRssGrowth(triple, 3 * CASES);
    console.log(
      `ingest: peak RSS growth while reading (fresh process each): ${mib(one)} MB for ${mb.toFixed(1)} MB; ${mib(three)} MB for ${(3 * mb).toFixed(1)} MB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
