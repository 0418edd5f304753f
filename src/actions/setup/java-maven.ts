// The Maven files actions/setup-java writes into ~/.m2 (the job's HOME): settings.xml with a
// server whose credentials are read from environment variables, and toolchains.xml naming
// each JDK the step set up, so `mvn deploy` and the toolchains plugin behave as on GitHub.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BuiltinRun } from "../builtin-types.js";

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function m2Dir(run: BuiltinRun): string {
  return run.inputs["settings-path"] || join(run.env["HOME"] ?? run.workspace, ".m2");
}

export async function writeMavenSettings(run: BuiltinRun): Promise<void> {
  const dir = m2Dir(run);
  const path = join(dir, "settings.xml");
  if (existsSync(path) && (run.inputs["overwrite-settings"] ?? "true") === "false") {
    run.log(`Skipping generation ${path} because file already exists and overwriting is not required`);
    return;
  }
  const id = run.inputs["server-id"] || "github";
  const user = run.inputs["server-username-env-var"] || run.inputs["server-username"] || "GITHUB_ACTOR";
  const password = run.inputs["server-password-env-var"] || run.inputs["server-password"] || "GITHUB_TOKEN";
  const text = [
    '<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/SETTINGS/1.0.0 https://maven.apache.org/xsd/settings-1.0.0.xsd">',
    "  <servers>",
    "    <server>",
    `      <id>${xml(id)}</id>`,
    `      <username>\${env.${xml(user)}}</username>`,
    `      <password>\${env.${xml(password)}}</password>`,
    "    </server>",
    "  </servers>",
    "</settings>",
    "",
  ].join("\n");
  await mkdir(dir, { recursive: true });
  await writeFile(path, text);
  run.log(`Writing to ${path}`);
}

export interface Toolchain {
  version: string;
  vendor: string;
  id: string;
  jdkHome: string;
}

function toolchainXml(t: Toolchain): string {
  return [
    "  <toolchain>",
    "    <type>jdk</type>",
    "    <provides>",
    `      <version>${xml(t.version)}</version>`,
    `      <vendor>${xml(t.vendor)}</vendor>`,
    `      <id>${xml(t.id)}</id>`,
    "    </provides>",
    "    <configuration>",
    `      <jdkHome>${xml(t.jdkHome)}</jdkHome>`,
    "    </configuration>",
    "  </toolchain>",
  ].join("\n");
}

/** Adds the toolchains to ~/.m2/toolchains.xml; one with the same id already there is replaced. */
export async function writeToolchains(run: BuiltinRun, toolchains: Toolchain[]): Promise<void> {
  const dir = m2Dir(run);
  const path = join(dir, "toolchains.xml");
  let kept: string[] = [];
  const existing = await readFile(path, "utf8").catch(() => "");
  if (existing) {
    const ids = new Set(toolchains.map((t) => t.id));
    kept = [...existing.matchAll(/<toolchain>[\s\S]*?<\/toolchain>/g)]
      .map((m) => `  ${m[0].trim()}`)
      .filter((block) => !ids.has(/<id>([^<]*)<\/id>/.exec(block)?.[1] ?? ""));
  }
  const text = [
    '<?xml version="1.0"?>',
    '<toolchains xmlns="https://maven.apache.org/TOOLCHAINS/1.1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="https://maven.apache.org/TOOLCHAINS/1.1.0 https://maven.apache.org/xsd/toolchains-1.1.0.xsd">',
    ...kept,
    ...toolchains.map(toolchainXml),
    "</toolchains>",
    "",
  ].join("\n");
  await mkdir(dir, { recursive: true });
  await writeFile(path, text);
  for (const t of toolchains) run.log(`Creating toolchains.xml for JDK version ${t.version} from ${t.vendor}`);
}
