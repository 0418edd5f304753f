// A job's own virtual environment of an installed interpreter. `python -m venv` spends most
// of its time (about 4 s) letting ensurepip install pip from a wheel; the same files already
// lie in the interpreter's site-packages, so they are copied as the distribution's RECORD
// lists them and its console scripts are written for the new environment. ensurepip stays
// the fallback for interpreters whose pip is not their own (a distribution's debundled pip).
import { existsSync } from "node:fs";
import { chmod, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BuiltinFailure } from "../builtin-types.js";
import { execTool } from "./common.js";
import type { InstalledPython } from "./python-interpreters.js";

export interface Venv {
  dir: string;
  python: string;
  created: boolean;
  /** How pip got there: "copied", "ensurepip", or "existing". */
  seeded: "copied" | "ensurepip" | "existing";
  ms: number;
}

interface Distribution {
  site: string;
  /** Top-level entries of the site directory the distribution owns. */
  entries: string[];
  scripts: [name: string, target: string][];
}

async function distribution(site: string, project: string): Promise<Distribution | undefined> {
  const names = await readdir(site).catch(() => [] as string[]);
  const distInfo = names.find((n) => n.toLowerCase().startsWith(`${project}-`) && n.endsWith(".dist-info") && existsSync(join(site, n, "RECORD")));
  if (!distInfo) return undefined;
  const record = await readFile(join(site, distInfo, "RECORD"), "utf8");
  const entries = new Set<string>([distInfo]);
  for (const line of record.split("\n")) {
    const path = line.slice(0, line.indexOf(","));
    // Scripts outside site-packages are written anew; a shared __pycache__ is regenerated.
    if (!path || path.startsWith("..") || path.startsWith("/")) continue;
    const top = path.split("/")[0] ?? "";
    if (top !== "__pycache__") entries.add(top);
  }
  const entryPoints = await readFile(join(site, distInfo, "entry_points.txt"), "utf8").catch(() => "");
  const scripts: [string, string][] = [];
  let section = "";
  for (const raw of entryPoints.split("\n")) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1] ?? "";
    else if (section === "console_scripts" && line.includes("=")) {
      const [name = "", target = ""] = line.split("=").map((s) => s.trim());
      if (name && /^[\w.]+:[\w.]+/.test(target)) scripts.push([name, target.replace(/\s*\[.*\]$/, "")]);
    }
  }
  return { site, entries: [...entries].filter((e) => existsSync(join(site, e))), scripts };
}

/** Linux reads at most 127 bytes of a #! line; longer interpreter paths go through sh. */
function scriptHeader(python: string): string {
  const direct = `#!${python}`;
  if (direct.length <= 127 && !/\s/.test(python)) return `${direct}\n`;
  // Valid as sh (exec the interpreter on this file) and as Python (a string expression).
  return `#!/bin/sh\n"exec" "${python}" "$0" "$@"\n`;
}

function consoleScript(python: string, target: string): string {
  const [module = "", attr = ""] = target.split(":");
  const head = attr.split(".")[0] ?? "";
  return `${scriptHeader(python)}import sys\nfrom ${module} import ${head}\nif __name__ == "__main__":\n    sys.exit(${attr}())\n`;
}

/**
 * pip installs its own pip, pipX and pipX.Y scripts for the interpreter at hand, whatever
 * versioned name its entry_points.txt carries from the wheel's build.
 */
function scriptsFor(d: Distribution, version: [number, number]): [string, string][] {
  const pip = d.scripts.find(([name]) => /^pip(\d+(\.\d+)?)?$/.test(name));
  const others = d.scripts.filter(([name]) => !/^pip(\d+(\.\d+)?)?$/.test(name));
  if (!pip) return others;
  return [...others, ...["pip", `pip${version[0]}`, `pip${version[0]}.${version[1]}`].map((name): [string, string] => [name, pip[1]])];
}

async function copyDistributions(dists: Distribution[], site: string, bin: string, python: string, version: [number, number]): Promise<void> {
  // cp -pPR keeps modification times, so the copied bytecode stays valid for its sources.
  const r = await execTool("cp", ["-pPR", ...dists.flatMap((d) => d.entries.map((e) => join(d.site, e))), `${site}/`]);
  if (r.code !== 0) throw new Error(r.stderr.trim() || `cp exited with ${r.code}`);
  for (const d of dists) {
    for (const [name, target] of scriptsFor(d, version)) {
      const path = join(bin, name);
      await writeFile(path, consoleScript(python, target));
      await chmod(path, 0o755);
    }
  }
}

async function sitePackages(python: string): Promise<string> {
  const r = await execTool(python, ["-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]);
  if (r.code !== 0) throw new Error(r.stderr.trim());
  return r.stdout.trim();
}

function majorMinor(version: string): [number, number] {
  const [a = "0", b = "0"] = version.split(".");
  return [Number(a), Number(b)];
}

/**
 * Makes (or reuses) the virtual environment `dir` of `base`, with pip in it, and with
 * setuptools where `python -m venv` would add it (before 3.12).
 */
export async function createVenv(base: InstalledPython, dir: string, signal?: AbortSignal): Promise<Venv> {
  const start = performance.now();
  const python = join(dir, "bin", "python");
  const elapsed = () => Math.round(performance.now() - start);
  if (existsSync(join(dir, "pyvenv.cfg")) && existsSync(python)) return { dir, python, created: false, seeded: "existing", ms: elapsed() };
  const made = await execTool(base.executable, ["-m", "venv", "--without-pip", dir], { signal });
  if (made.code !== 0) throw new BuiltinFailure(`${base.executable} -m venv ${dir} failed: ${made.stderr.trim()}`);
  const [maj, min] = majorMinor(base.version);
  const projects = maj === 3 && min < 12 ? ["pip", "setuptools"] : ["pip"];
  // Only a pip installed into the interpreter's own site-packages is complete by itself.
  const owned: Record<string, boolean> = { pip: base.ownPip, setuptools: base.ownSetuptools };
  const own = await Promise.all(projects.map((p) => (owned[p] ? distribution(base.purelib, p) : Promise.resolve(undefined))));
  const pip = own[0];
  if (pip) {
    try {
      const site = await sitePackages(python);
      await copyDistributions(
        own.filter((d): d is Distribution => d !== undefined),
        site,
        join(dir, "bin"),
        python,
        [maj, min],
      );
      return { dir, python, created: true, seeded: "copied", ms: elapsed() };
    } catch {
      // Whatever was copied is replaced by ensurepip's own install below.
    }
  }
  if (!base.ensurepip) {
    throw new BuiltinFailure(
      `${base.executable} has neither its own pip nor ensurepip, so its virtual environment cannot get pip; install pip for it (on Debian/Ubuntu: apt install python${maj}.${min}-venv)`,
    );
  }
  const seeded = await execTool(python, ["-m", "ensurepip", "--upgrade", "--default-pip"], { signal });
  if (seeded.code !== 0) throw new BuiltinFailure(`installing pip into ${dir} failed: ${seeded.stderr.trim()}`);
  return { dir, python, created: true, seeded: "ensurepip", ms: elapsed() };
}
