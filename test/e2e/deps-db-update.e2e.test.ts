// `tierci deps db update` against a local server laid out as OSV's export bucket: exports are
// downloaded and imported; a corrupt one is refused and the database keeps what it had; with no
// network the message says what to download and how to import it.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, test } from "node:test";
import { osvRecord } from "../support/osv-fixtures.js";
import { makeZip } from "../support/zip-writer.js";
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { repoFactory, runCli, type CliResult } from "./harness.js";

/** The CLI run without blocking this process, which serves the exports it downloads. */
function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [resolve("bin", "tierci.js"), ...args], { env: { ...env, NO_COLOR: "1" }, encoding: "utf8" }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1;
      done({ code, stdout, stderr } as CliResult);
    });
  });
}

const newRepo = repoFactory();
const exports = new Map<string, Buffer>();
let server: Server;
let base = "";

function exportOf(ecosystem: "PyPI" | "npm", ids: string[]): Buffer {
  return makeZip(
    ids.map((id) => ({
      name: `${id}.json`,
      data: JSON.stringify(
        osvRecord({ id, ecosystem, package: ecosystem === "PyPI" ? "requests" : "lodash", events: [{ introduced: "0" }, { fixed: "9.0.0" }] }),
      ),
    })),
  );
}

before(async () => {
  server = createServer((req, res) => {
    const body = exports.get(req.url ?? "");
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/zip", "content-length": String(body.length) }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

after(() => new Promise<void>((done) => server.close(() => done())));

test("update downloads and imports each ecosystem's export; a corrupt one is refused and keeps the advisories it had", async () => {
  const repo = newRepo({ "README.md": "x\n" });
  exports.set("/PyPI/all.zip", exportOf("PyPI", ["PYSEC-2024-1", "PYSEC-2024-2"]));
  exports.set("/npm/all.zip", exportOf("npm", ["GHSA-aaaa-bbbb-cccc"]));
  const first = await cli(["deps", "db", "update", "--repo", repo.dir, "--mirror", base]);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /imported PyPI: 2 advisories for 1 packages/);
  assert.match(first.stdout, /imported npm: 1 advisories for 1 packages/);

  const broken = exportOf("npm", ["GHSA-dddd-eeee-ffff", "GHSA-1111-2222-3333"]);
  broken.fill(0x41, 40, 400);
  exports.set("/npm/all.zip", broken);
  const second = await cli(["deps", "db", "update", "--repo", repo.dir, "--ecosystem", "npm"], { ...process.env, TIERCI_OSV_MIRROR: base });
  assert.equal(second.code, 1, second.stdout + second.stderr);
  assert.match(second.stderr, /npm: .*the database keeps what it had/);
  const status = runCli(["deps", "db", "status", "--repo", repo.dir, "--json", "-"]);
  const held = JSON.parse(status.stdout) as { ecosystems: { ecosystem: string; advisories: number }[] };
  assert.equal(held.ecosystems.find((e) => e.ecosystem === "npm")?.advisories, 1);
  assert.equal(held.ecosystems.find((e) => e.ecosystem === "PyPI")?.advisories, 2);
});

test("with the exports out of reach, update says what to download and how to import it", async () => {
  const repo = newRepo({ "README.md": "x\n" });
  // A port that was just free: nothing listens there.
  const closed = createServer();
  await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
  const address = closed.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((done) => closed.close(() => done()));
  const r = runCli(["deps", "db", "update", "--repo", repo.dir, "--mirror", `http://127.0.0.1:${port}`, "--ecosystem", "PyPI"]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `cannot download http://127\\.0\\.0\\.1:${port}/PyPI/all\\.zip \\(ECONNREFUSED\\); on a machine with network, download it and run .tierci deps db import PyPI-all\\.zip. here`,
    ),
  );
});
