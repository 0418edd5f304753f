// setup-java against an Adoptium API v3 on 127.0.0.1 (see test/support/tool-sites.ts) with
// real tarballs of a stand-in JDK, and the machine's own JDKs.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fakeJob, type FakeJob } from "../../../test/support/fake-builtin-run.js";
import { startToolServer, type ToolServer } from "../../../test/support/tool-server.js";
import { serveTemurin } from "../../../test/support/tool-sites.js";
import { BuiltinFailure } from "../builtin-types.js";
import { bestJava, javaSatisfies, javaVersionFromFile, machineJdks, normalizeJavaVersion } from "./java-versions.js";
import { setupJavaAction } from "./setup-java.js";

const root = mkdtempSync(join(tmpdir(), "tierci-setup-java-"));
let server: ToolServer;
const ARCH = process.arch === "arm64" ? "AARCH64" : process.arch.toUpperCase();

before(async () => {
  server = await startToolServer();
  serveTemurin(server, "/adoptium", root, [
    { version: "91.0.2", build: 13 },
    { version: "91.0.1", build: 9 },
    { version: "90.0.5", build: 11 },
  ]);
  serveTemurin(server, "/adoptium-bad", root, [{ version: "91.0.2", build: 13, sum: "0".repeat(64) }]);
  serveTemurin(server, "/adoptium-cut", root, [{ version: "91.0.2", build: 13, truncate: true }]);
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function job(inputs: Record<string, string>, api: string, cache: string, files: Record<string, string> = {}, offline = false): FakeJob {
  return fakeJob(setupJavaAction, { root, toolCache: cache, inputs, files, offline, env: { TIERCI_ADOPTIUM_API: `${server.url}${api}` } });
}

test("a Temurin JDK no installation has is downloaded, verified, set as the default, and found in the tool cache next time", async () => {
  const cache = join(root, "cache-a");
  const j = job({ "java-version": "91", distribution: "temurin" }, "/adoptium", cache);
  await setupJavaAction.main(j.run);
  const home = join(cache, "Java_Temurin-Hotspot_jdk", "91.0.2-13", process.arch);
  assert.deepEqual(j.run.outputs, { distribution: "Temurin-Hotspot", path: home, version: "91.0.2+13" });
  assert.equal(j.exported["JAVA_HOME"], home);
  assert.equal(j.exported[`JAVA_HOME_91_${ARCH}`], home);
  assert.deepEqual(j.paths, [join(home, "bin")]);
  const m2 = join(j.run.env["HOME"] ?? "", ".m2");
  assert.match(
    readFileSync(join(m2, "settings.xml"), "utf8"),
    /<id>github<\/id>\s*<username>\$\{env\.GITHUB_ACTOR\}<\/username>\s*<password>\$\{env\.GITHUB_TOKEN\}<\/password>/,
  );
  assert.match(
    readFileSync(join(m2, "toolchains.xml"), "utf8"),
    new RegExp(`<version>91</version>\\s*<vendor>temurin</vendor>\\s*<id>temurin_91</id>[\\s\\S]*<jdkHome>${home}</jdkHome>`),
  );
  const again = job({ "java-version": "91.0.2+13", distribution: "temurin" }, "/adoptium", cache);
  await setupJavaAction.main(again.run);
  assert.equal(again.run.outputs["path"], home);
  assert.equal(server.hits.get("/adoptium/files/OpenJDK-jdk_91.0.2_13.tar.gz"), 1);
});

test("several versions: each gets JAVA_HOME_<major>_<ARCH>, the last one is the default; a version file names one", async () => {
  const cache = join(root, "cache-b");
  const j = job({ "java-version": "90\n91.0.1", distribution: "temurin" }, "/adoptium", cache);
  await setupJavaAction.main(j.run);
  assert.equal(j.exported[`JAVA_HOME_90_${ARCH}`], join(cache, "Java_Temurin-Hotspot_jdk", "90.0.5-11", process.arch));
  assert.equal(j.exported["JAVA_HOME"], join(cache, "Java_Temurin-Hotspot_jdk", "91.0.1-9", process.arch));
  const file = job({ "java-version-file": ".sdkmanrc" }, "/adoptium", cache, { ".sdkmanrc": "java=90.0.5-tem\n" });
  await setupJavaAction.main(file.run);
  assert.equal(file.run.outputs["version"], "90.0.5+11");
  assert.ok(file.run.logs.includes("Using distribution 'temurin' from .sdkmanrc"));
});

test("a wrong checksum or a broken download is refused, and nothing is installed", async () => {
  for (const api of ["/adoptium-bad", "/adoptium-cut"]) {
    const cache = join(root, `cache${api}`);
    const j = job({ "java-version": "91", distribution: "temurin" }, api, cache);
    await assert.rejects(
      setupJavaAction.main(j.run),
      (err: Error) =>
        err instanceof BuiltinFailure &&
        /^Java 91\.0\.2\+13 could not be installed: .*(but the index says 0{64}; the download was refused|broke off after \d+ bytes)/.test(err.message),
    );
    assert.equal(existsSync(join(cache, "Java_Temurin-Hotspot_jdk", "91.0.2-13")), false, api);
  }
});

test("other distributions are used only when installed; offline names the URL that would get a Temurin", async () => {
  const zulu = job({ "java-version": "91", distribution: "zulu" }, "/adoptium", join(root, "cache-c"));
  await assert.rejects(
    setupJavaAction.main(zulu.run),
    (err: Error) =>
      err instanceof BuiltinFailure &&
      /^Java 91 \(zulu, jdk\) is not installed on this machine \(installed: .*\); tierci downloads JDKs only from Eclipse Temurin/.test(err.message),
  );
  const off = job({ "java-version": "91", distribution: "temurin" }, "/adoptium", join(root, "cache-d"), {}, true);
  await assert.rejects(
    setupJavaAction.main(off.run),
    (err: Error) =>
      err instanceof BuiltinFailure &&
      err.message.includes(
        `--offline forbids downloading it. Run without --offline to download it from ${server.url}/adoptium/v3/assets/version/, or install it yourself (sdk install java 91-tem)`,
      ),
  );
  await assert.rejects(setupJavaAction.main(job({ "java-version": "91" }, "/adoptium", join(root, "cache-e")).run), /distribution input is required/);
});

test("a JDK of the machine that satisfies the version is used as it is, naming its vendor", async (t) => {
  const jdks = machineJdks().filter((m) => m.jdk);
  const major = jdks[0]?.version.split(".")[0];
  if (!major) return t.skip("no JDK on this machine");
  const expected = bestJava(major, jdks);
  const j = job({ "java-version": major, distribution: "temurin" }, "/adoptium", join(root, "cache-f"), {}, true);
  await setupJavaAction.main(j.run);
  assert.equal(j.run.outputs["version"], expected?.version);
  assert.equal(j.run.outputs["path"], expected?.dir);
  assert.ok(j.run.logs.includes(`Java ${expected?.version} from ${expected?.dir} (${expected?.source}, ${expected?.vendor})`), j.run.logs.join("\n"));
});

test("versions as setup-java reads them: ranges, builds, -ea, version files", () => {
  assert.deepEqual(normalizeJavaVersion("17"), { range: "17", stable: true, latest: false });
  assert.deepEqual(normalizeJavaVersion("latest"), { range: "x", stable: true, latest: true });
  assert.deepEqual(normalizeJavaVersion("21-ea"), { range: "21", stable: false, latest: false });
  assert.deepEqual(normalizeJavaVersion("11.0.9.1"), { range: "11.0.9+1", stable: true, latest: false });
  assert.throws(() => normalizeJavaVersion("seventeen"), /is not valid SemVer notation for a Java version/);
  assert.equal(javaSatisfies("17", "17.0.10+7"), true);
  assert.equal(javaSatisfies("17.0.10+7", "17.0.10+7"), true);
  assert.equal(javaSatisfies("17.0.10+7", "17.0.10+8"), false);
  assert.equal(javaSatisfies("11.x", "17.0.10+7"), false);
  const file = (name: string, text: string) => {
    const path = join(root, "files", name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  assert.deepEqual(javaVersionFromFile(file(".java-version", "17.0.2\n")), { version: "17.0.2", distribution: undefined });
  assert.deepEqual(javaVersionFromFile(file(".java-version", "1.8\n")), { version: "8", distribution: undefined });
  assert.deepEqual(javaVersionFromFile(file(".tool-versions", "nodejs 20\njava temurin-21.0.5+11\n")), { version: "21.0.5+11", distribution: "temurin" });
  assert.equal(javaVersionFromFile(file(".java-version", "none\n")), null);
});
