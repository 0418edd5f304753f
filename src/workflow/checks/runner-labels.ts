// `runs-on:` labels that no runner can satisfy: labels of two operating systems at once
// (a runner must carry every label), empty label lists, a matrix value that is a mapping
// where labels are expected, and (as warnings) images GitHub has retired.
import { appendAll } from "../../util/large-arrays.js";
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { get, items, resolve, toText } from "../yaml-tree.js";
import { hasExpression, type CheckContext, type JobNodes } from "./context.js";
import { matrixOf, valuesOfKey } from "./matrix.js";

const RULE = "runner-label";

type Os = "linux" | "windows" | "macos";

const HOSTED: Record<string, Os> = {};
for (const l of ["ubuntu-latest", "ubuntu-24.04", "ubuntu-22.04", "ubuntu-slim", "ubuntu-24.04-arm", "ubuntu-22.04-arm"]) HOSTED[l] = "linux";
for (const l of ["windows-latest", "windows-2025", "windows-2022", "windows-11-arm"]) HOSTED[l] = "windows";
for (const v of ["latest", "26", "15", "14", "13"]) {
  for (const size of ["", "-large", "-xlarge"]) HOSTED[`macos-${v}${size}`] = "macos";
}
HOSTED["macos-15-intel"] = "macos";

/** Images GitHub no longer provides: jobs asking for them fail without running. */
const RETIRED: Record<string, Os> = {
  "ubuntu-16.04": "linux",
  "ubuntu-18.04": "linux",
  "ubuntu-20.04": "linux",
  "windows-2016": "windows",
  "windows-2019": "windows",
  "macos-10.15": "macos",
  "macos-11": "macos",
  "macos-12": "macos",
};

const LATEST: Record<Os, string> = { linux: "ubuntu-latest", windows: "windows-latest", macos: "macos-latest" };

/** The operating-system labels every self-hosted runner carries. */
const GENERIC: Record<string, Os> = { linux: "linux", windows: "windows", macos: "macos" };

function osOf(label: string): Os | undefined {
  const l = label.toLowerCase();
  return HOSTED[l] ?? RETIRED[l] ?? GENERIC[l];
}

const MATRIX_REF = /^\$\{\{\s*matrix\.([A-Za-z_][\w-]*)\s*\}\}$/;

interface Label {
  text: string;
  node: Node;
}

export function checkRunnerLabels(ctx: CheckContext): void {
  for (const job of ctx.jobs) {
    const runsOnNode = resolve(ctx.src, get(ctx.src, job.node, "runs-on"));
    if (runsOnNode === undefined) continue;
    const labelsNode = isMap(runsOnNode) ? resolve(ctx.src, get(ctx.src, runsOnNode, "labels")) : runsOnNode;
    if (labelsNode === undefined) continue;
    if (isSeq(labelsNode) && labelsNode.items.length === 0) {
      ctx.error(labelsNode, RULE, "the runner label list is empty, so no runner can be chosen", "name at least one label, e.g. ubuntu-latest");
      continue;
    }
    checkLabels(ctx, job, runsOnNode, isSeq(labelsNode) ? items(ctx.src, labelsNode) : [labelsNode]);
  }
}

function checkLabels(ctx: CheckContext, job: JobNodes, runsOnNode: Node, nodes: Node[]): void {
  const literals: Label[] = [];
  const fromMatrix: Label[] = [];
  for (const node of nodes) {
    const text = toText(ctx.src, node);
    if (!isScalar(node) || text === undefined || text === "") continue;
    const ref = MATRIX_REF.exec(text);
    if (ref) appendAll(fromMatrix, matrixLabels(ctx, job, ref[1] as string, runsOnNode));
    else if (!hasExpression(text)) literals.push({ text, node });
  }
  const selfHosted = literals.some((l) => l.text.toLowerCase() === "self-hosted");
  if (!selfHosted) for (const l of [...literals, ...fromMatrix]) checkKnown(ctx, l);

  const base = literals.find((l) => osOf(l.text) !== undefined);
  if (base === undefined) return;
  const baseOs = osOf(base.text);
  for (const l of [...literals, ...fromMatrix]) {
    const os = osOf(l.text);
    if (l === base || os === undefined || os === baseOs) continue;
    ctx.error(
      l.node,
      RULE,
      `runner label '${l.text}' (${os}) conflicts with '${base.text}' (${baseOs}) on line ${ctx.pos(base.node).line}; a runner must have every label, so none matches`,
      "to run on several systems, put them in a matrix and use `runs-on: ${{ matrix.os }}` alone",
    );
  }
}

/** Labels a `${{ matrix.key }}` entry can produce, each at its place in the matrix. */
function matrixLabels(ctx: CheckContext, job: JobNodes, key: string, runsOnNode: Node): Label[] {
  const matrix = matrixOf(ctx, job);
  const values = matrix && valuesOfKey(ctx, matrix, key);
  if (values === undefined || values === "dynamic") return [];
  const out: Label[] = [];
  const mapping = values.find((v) => isMap(resolve(ctx.src, v)));
  if (mapping) {
    ctx.error(
      runsOnNode,
      RULE,
      `runs-on takes 'matrix.${key}', whose value on line ${ctx.pos(mapping).line} is a mapping, not a label or list of labels`,
      `use a string property of it, e.g. matrix.${key}.<name>`,
    );
  }
  for (const value of values) {
    const v = resolve(ctx.src, value);
    if (isMap(v)) continue;
    for (const item of isSeq(v) ? items(ctx.src, v) : v ? [v] : []) {
      const text = toText(ctx.src, item);
      if (isScalar(item) && text && !hasExpression(text)) out.push({ text, node: item });
    }
  }
  return out;
}

function checkKnown(ctx: CheckContext, label: Label): void {
  const l = label.text.toLowerCase();
  if (RETIRED[l]) {
    // Only a warning: tierci runs the job on this machine whatever the label, and GitHub fails it.
    ctx.warn(
      label.node,
      RULE,
      `GitHub has retired the '${label.text}' runner image, so the job never starts there on GitHub`,
      `move to a current image, e.g. ${LATEST[RETIRED[l]]}`,
    );
    return;
  }
  if (HOSTED[l] || !/^(ubuntu|windows|macos)-/.test(l)) return;
  ctx.warn(
    label.node,
    RULE,
    `'${label.text}' is not a GitHub-hosted runner label`,
    "check the spelling against GitHub's runner images; if it names a larger or self-hosted runner, this is fine",
  );
}
