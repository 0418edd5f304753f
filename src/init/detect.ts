// What `tierci init` needs to know about a project before it writes its pipeline:
// which ecosystem, which dependency files exist (caches and installs key on them),
// and where the tests and the importable package live.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { EnginesError, nodeMatrix, type NodeMatrix } from "./node-versions.js";
import { pythonMatrix, RequiresPythonError, type PythonMatrix } from "./python-matrix.js";

export type Template = "python" | "node";

export interface ProjectFacts {
  template: Template;
  /** Distribution or package.json name; used in docs and the smoke import. */
  name: string;
  /** Repository-relative dependency files that exist, in a stable order. */
  dependencyFiles: string[];
  /** Python: the importable top-level package, when one was found. */
  module?: string;
  /** Python: the package's directory, e.g. src/pkg; what lint and bandit look at. */
  sourceDir?: string;
  /** Python: `src/` layout or a package at the root; installs need `pip install -e .` either way. */
  installable: boolean;
  /** Test directories that exist, e.g. tests/. */
  testDirs: string[];
  /** Node: package.json scripts by name; Python: console scripts ([project.scripts]) by name. */
  scripts: Record<string, string>;
  /** Python: the test matrix and its reporting version, from pyproject's `requires-python`. */
  pythonMatrix?: PythonMatrix;
  /** Node: package-lock.json exists, so `npm ci` and the npm cache work. */
  lockfile: boolean;
  /** Node: package.json `engines.node`, the range the test matrix must stay inside. */
  engines?: string;
  /** Node: the test matrix and its reporting version, from `engines`. */
  nodeMatrix?: NodeMatrix;
  /** Node: names in devDependencies; which linters and test reporters the project already has. */
  devDependencies?: string[];
  /** Node: package.json `main`, the entry the smoke test imports. */
  main?: string;
}

export class DetectError extends Error {}

const PYTHON_MARKERS = ["pyproject.toml", "setup.py", "setup.cfg"];

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function requirementFiles(root: string): string[] {
  const top = readdirSync(root).filter((f) => /^requirements.*\.txt$/.test(f) && isFile(join(root, f)));
  const nested = isDir(join(root, "requirements"))
    ? readdirSync(join(root, "requirements"))
        .filter((f) => f.endsWith(".txt"))
        .map((f) => `requirements/${f}`)
    : [];
  return [...top.sort(), ...nested.sort()];
}

/** Which templates fit the directory; more than one means the user must choose. */
export function detectTemplates(root: string): Template[] {
  const found: Template[] = [];
  if (PYTHON_MARKERS.some((f) => isFile(join(root, f))) || requirementFiles(root).length > 0) found.push("python");
  if (isFile(join(root, "package.json"))) found.push("node");
  return found;
}

interface Pyproject {
  name?: string;
  requiresPython?: string;
  /** [project.scripts]: console script name -> entry point. */
  scripts: Record<string, string>;
  /** A [project], [build-system] or [tool.poetry] table: pip can install it. */
  installable: boolean;
}

function table(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function readPyproject(path: string): Pyproject {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(readFileSync(path, "utf8"));
  } catch (err) {
    throw new DetectError(`pyproject.toml is not valid TOML: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  }
  const project = table(doc["project"]);
  const poetry = table(table(doc["tool"])?.["poetry"]);
  const name = project?.["name"] ?? poetry?.["name"];
  const requiresPython = project?.["requires-python"];
  const scripts = Object.entries(table(project?.["scripts"]) ?? {}).filter((e): e is [string, string] => typeof e[1] === "string");
  return {
    ...(typeof name === "string" ? { name } : {}),
    ...(typeof requiresPython === "string" ? { requiresPython } : {}),
    scripts: Object.fromEntries(scripts),
    installable: project !== undefined || poetry !== undefined || table(doc["build-system"]) !== undefined,
  };
}

function findModule(root: string, name: string): { module: string; sourceDir: string } | undefined {
  const normalized = name.replace(/[-.]/g, "_").toLowerCase();
  for (const base of ["src", "."]) {
    const dir = join(root, base);
    if (!isDir(dir)) continue;
    const packages = readdirSync(dir).filter((d) => !d.startsWith(".") && d !== "tests" && isFile(join(dir, d, "__init__.py")));
    const match = packages.find((p) => p.toLowerCase() === normalized) ?? (packages.length === 1 ? packages[0] : undefined);
    if (match !== undefined) return { module: match, sourceDir: base === "." ? match : `${base}/${match}` };
  }
  return undefined;
}

/** A value read from a project file, whose own error becomes a DetectError naming the file. */
function fromFile<T>(file: string, errorClass: new (...args: never[]) => Error, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof errorClass) throw new DetectError(`${file}: ${err.message}`);
    throw err;
  }
}

function pythonFacts(root: string): ProjectFacts {
  const pyproject = join(root, "pyproject.toml");
  const meta: Pyproject = isFile(pyproject) ? readPyproject(pyproject) : { scripts: {}, installable: false };
  const name = meta.name ?? basename(root);
  const matrix = fromFile("pyproject.toml", RequiresPythonError, () => pythonMatrix(meta.requiresPython));
  const dependencyFiles = [...requirementFiles(root), ...PYTHON_MARKERS.filter((f) => isFile(join(root, f)))];
  const module = findModule(root, name);
  return {
    template: "python",
    name,
    dependencyFiles,
    ...(module ?? {}),
    pythonMatrix: matrix,
    installable: isFile(join(root, "setup.py")) || meta.installable,
    testDirs: ["tests", "test"].filter((d) => isDir(join(root, d))),
    scripts: meta.scripts,
    lockfile: false,
  };
}

function nodeFacts(root: string): ProjectFacts {
  let pkg: { name?: unknown; scripts?: unknown; engines?: { node?: unknown }; devDependencies?: unknown; main?: unknown };
  try {
    pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as typeof pkg;
  } catch (err) {
    throw new DetectError(`package.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const scripts: Record<string, string> = {};
  if (typeof pkg.scripts === "object" && pkg.scripts !== null) {
    for (const [k, v] of Object.entries(pkg.scripts)) if (typeof v === "string") scripts[k] = v;
  }
  const lockfile = isFile(join(root, "package-lock.json"));
  const engines = typeof pkg.engines?.node === "string" ? pkg.engines.node : undefined;
  return {
    template: "node",
    name: typeof pkg.name === "string" ? pkg.name : basename(root),
    dependencyFiles: ["package.json", ...(lockfile ? ["package-lock.json"] : [])],
    installable: false,
    testDirs: ["test", "tests", "__tests__"].filter((d) => isDir(join(root, d))),
    scripts,
    lockfile,
    ...(engines !== undefined ? { engines } : {}),
    nodeMatrix: fromFile("package.json", EnginesError, () => nodeMatrix(engines)),
    devDependencies: typeof pkg.devDependencies === "object" && pkg.devDependencies !== null ? Object.keys(pkg.devDependencies).sort() : [],
    ...(typeof pkg.main === "string" ? { main: pkg.main } : {}),
  };
}

/** The facts of the project at `root`; `template` forces the ecosystem. */
export function detectProject(root: string, template?: Template): ProjectFacts {
  const found = detectTemplates(root);
  const chosen = template ?? (found.length === 1 ? found[0] : undefined);
  if (chosen === undefined) {
    throw new DetectError(
      found.length === 0
        ? "no pyproject.toml, requirements*.txt, setup.py or package.json here; choose a pipeline with --template python|node"
        : "this project has both Python and Node files; choose a pipeline with --template python|node",
    );
  }
  return chosen === "python" ? pythonFacts(root) : nodeFacts(root);
}
