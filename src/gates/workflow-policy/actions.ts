// unpinned-action and cache-key-lockfiles: what a step's `uses:` and `with:` say about
// where its code comes from and what its cache is keyed on.
import picomatch from "picomatch";
import type { Node } from "yaml";
import { get } from "../../workflow/yaml-tree.js";
import { actionName, isThirdParty, type PolicyContext, type StepNodes } from "./context.js";

const COMMIT_SHA = /^[0-9a-f]{40}$/i;

function checkPinned(ctx: PolicyContext, node: Node | undefined, uses: string | undefined): void {
  if (node === undefined || uses === undefined || !isThirdParty(uses)) return;
  const ref = uses.slice(uses.lastIndexOf("@") + 1);
  if (COMMIT_SHA.test(ref)) return;
  ctx.report(
    "unpinned-action",
    node,
    `'${uses}' is a third-party ${uses.includes(".yml@") || uses.includes(".yaml@") ? "workflow" : "action"} pinned to '${ref}', a ref its owner can move to other code`,
  );
}

interface Ecosystem {
  name: string;
  /** Cache directories (forward slashes) that hold this ecosystem's downloads or installs. */
  cachePath: RegExp;
  /** Files whose hash a key must include: root-level and nested examples of each. */
  lockfiles: string[];
}

const ECOSYSTEMS: Ecosystem[] = [
  {
    name: "pip",
    cachePath: /(^|\/)(\.cache\/(pip|pypoetry|uv)|Caches\/pip|pip\/Cache|\.?venv)(\/|$)/i,
    lockfiles: [
      "requirements.txt",
      "requirements-dev.txt",
      "dev-requirements.txt",
      "requirements/dev.txt",
      "constraints.txt",
      "poetry.lock",
      "uv.lock",
      "Pipfile.lock",
      "pyproject.toml",
      "setup.py",
      "setup.cfg",
    ],
  },
  {
    name: "npm",
    cachePath: /(^|\/)(\.npm|node_modules|\.cache\/yarn|\.yarn\/cache|\.pnpm-store|pnpm\/store)(\/|$)/,
    lockfiles: ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock"],
  },
];

/** The glob arguments of every hashFiles() call in a key. */
function hashFilesPatterns(key: string): string[] {
  const out: string[] = [];
  for (const call of key.matchAll(/hashFiles\s*\(([^)]*)\)/gi)) {
    for (const arg of (call[1] ?? "").matchAll(/'((?:[^']|'')*)'/g)) {
      for (const line of (arg[1] ?? "").replace(/''/g, "'").split("\n")) {
        const pattern = line.trim().replace(/^\.\//, "");
        if (pattern !== "" && !pattern.startsWith("!")) out.push(pattern);
      }
    }
  }
  return out;
}

function keyCovers(key: string, eco: Ecosystem): boolean {
  const matchers = hashFilesPatterns(key).map((p) => picomatch(p, { dot: true }));
  const candidates = eco.lockfiles.flatMap((f) => [f, `app/${f}`, `packages/app/${f}`]);
  return matchers.some((m) => candidates.some((c) => m(c)));
}

function checkCacheAction(ctx: PolicyContext, step: StepNodes): void {
  const withNode = get(ctx.src, step.node, "with");
  const paths = (step.model.with["path"] ?? "")
    .split("\n")
    .map((p) => p.trim().replace(/\\/g, "/"))
    .filter((p) => p !== "");
  const key = step.model.with["key"];
  if (key === undefined) return;
  for (const eco of ECOSYSTEMS) {
    if (!paths.some((p) => eco.cachePath.test(p)) || keyCovers(key, eco)) continue;
    ctx.report(
      "cache-key-lockfiles",
      get(ctx.src, withNode, "key") ?? step.node,
      `this ${eco.name} cache's key does not hash the dependency lock files, so it keeps serving old packages after they change`,
      `add the lock files to the key, e.g. \${{ hashFiles('${eco.name === "pip" ? "**/requirements*.txt" : "**/package-lock.json"}') }}`,
    );
  }
}

interface SetupDefaults {
  /** What the action hashes when cache-dependency-path is not given. */
  defaults: string[];
  /** Lock files of the repository that the key should cover. */
  lockfiles: string[];
}

const SETUP_DEFAULTS: Record<string, Record<string, SetupDefaults>> = {
  "actions/setup-python": {
    pip: {
      defaults: ["**/requirements.txt", "**/pyproject.toml"],
      lockfiles: ["**/requirements*.txt", "**/requirements/*.txt", "**/constraints*.txt", "**/uv.lock"],
    },
    pipenv: { defaults: ["**/Pipfile.lock"], lockfiles: ["**/Pipfile.lock"] },
    poetry: { defaults: ["**/poetry.lock"], lockfiles: ["**/poetry.lock"] },
  },
  "actions/setup-node": {
    npm: { defaults: ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock"], lockfiles: ["**/package-lock.json", "**/npm-shrinkwrap.json"] },
    yarn: { defaults: ["yarn.lock"], lockfiles: ["**/yarn.lock"] },
    pnpm: { defaults: ["pnpm-lock.yaml"], lockfiles: ["**/pnpm-lock.yaml"] },
  },
};

function checkSetupCache(ctx: PolicyContext, step: StepNodes, files: readonly string[]): void {
  const name = actionName(step.model.uses) ?? "";
  const manager = step.model.with["cache"];
  const spec = manager === undefined ? undefined : SETUP_DEFAULTS[name]?.[manager];
  if (spec === undefined || step.model.with["cache-dependency-path"] !== undefined) return;
  const project = files.filter((f) => !f.includes("node_modules/"));
  const defaultMatcher = picomatch(spec.defaults, { dot: true });
  const lockMatcher = picomatch(spec.lockfiles, { dot: true });
  const isDefault = (f: string): boolean => defaultMatcher(f);
  const lockfiles = project.filter((f) => lockMatcher(f));
  const missed = lockfiles.filter((f) => !isDefault(f));
  if (project.some(isDefault) && missed.length === 0) return;
  const at = get(ctx.src, get(ctx.src, step.node, "with"), "cache") ?? step.node;
  ctx.report(
    "cache-key-lockfiles",
    at,
    missed.length > 0 && project.some(isDefault)
      ? `${name} keys its ${manager} cache on ${spec.defaults.join(", ")}, which misses ${missed.slice(0, 3).join(", ")}${missed.length > 3 ? ", ..." : ""}`
      : `${name} keys its ${manager} cache on ${spec.defaults.join(", ")}, and the repository has no such file`,
    lockfiles.length > 0
      ? lockfiles.length === 1
        ? `set cache-dependency-path: ${lockfiles[0]}`
        : `set cache-dependency-path to these files, one per line: ${lockfiles.slice(0, 5).join(", ")}${lockfiles.length > 5 ? ", ..." : ""}`
      : "set cache-dependency-path to the project's dependency files",
  );
}

export function checkActions(ctx: PolicyContext): void {
  for (const job of ctx.check.jobs) {
    checkPinned(ctx, get(ctx.src, job.node, "uses"), job.model.uses);
    for (const step of ctx.steps(job)) {
      checkPinned(ctx, get(ctx.src, step.node, "uses"), step.model.uses);
      const name = actionName(step.model.uses);
      if (name === "actions/cache") checkCacheAction(ctx, step);
      else if (name !== undefined && name in SETUP_DEFAULTS && ctx.files !== undefined) checkSetupCache(ctx, step, ctx.files);
    }
  }
}
