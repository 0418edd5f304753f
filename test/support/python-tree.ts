// A relocatable CPython tree made from an interpreter installed on this machine, laid out as
// python-build-standalone's install_only archives are (python/bin/python3, python/lib/...):
// the binary is copied, the standard library and shared libpython are linked, so the tree
// is small and still runs as a real interpreter from wherever it is unpacked.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, realpathSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { installedPythons } from "../../src/actions/setup/python-interpreters.js";

export interface PythonSource {
  version: string;
  executable: string;
  prefix: string;
  minor: string;
}

/** An installed CPython with the standard prefix layout (lib/pythonX.Y under its prefix), e.g. pyenv's, other than `not`. */
export async function relocatablePython(not: (version: string) => boolean = () => false): Promise<PythonSource | undefined> {
  for (const p of await installedPythons()) {
    if (p.freethreaded || not(p.version) || !/^\d+\.\d+\.\d+$/.test(p.version)) continue;
    const minor = p.version.split(".").slice(0, 2).join(".");
    if (existsSync(join(p.prefix, "lib", `python${minor}`, "os.py")) && existsSync(join(p.prefix, "lib", `python${minor}`, "site-packages", "pip"))) {
      return { version: p.version, executable: realpathSync(p.executable), prefix: p.prefix, minor };
    }
  }
  return undefined;
}

/** Writes `<parent>/python` for `source`. */
export function writePythonTree(source: PythonSource, parent: string): void {
  const bin = join(parent, "python", "bin");
  const lib = join(parent, "python", "lib");
  mkdirSync(bin, { recursive: true });
  mkdirSync(lib, { recursive: true });
  copyFileSync(source.executable, join(bin, `python${source.minor}`));
  execFileSync("chmod", ["755", join(bin, `python${source.minor}`)]);
  symlinkSync(`python${source.minor}`, join(bin, "python3"));
  symlinkSync(join(source.prefix, "lib", `python${source.minor}`), join(lib, `python${source.minor}`));
  for (const name of readdirSync(join(source.prefix, "lib"))) {
    if (/^libpython.*\.so/.test(name)) symlinkSync(join(source.prefix, "lib", name), join(lib, name));
  }
}
