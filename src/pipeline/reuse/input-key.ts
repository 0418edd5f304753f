// The input key of one job attempt: a digest of everything its result depends on that tierci can
// see. Two attempts with the same key ran the same job definition, on the same bytes of the
// files it can see, with the same matrix values, needs outputs, inputs, variables, environment,
// secrets (by keyed hash only: the key never lets anyone test a guess of a secret without the
// state directory's own random key), actions and tool binaries, under the same tierci build.
import { createHash, createHmac } from "node:crypto";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { matchesFilters } from "../../glob/filter-pattern.js";
import { canonicalJson } from "../../util/canonical-json.js";
import type { TreeEntry } from "../../git/tree-fingerprint.js";
import type { Trigger, YamlValue } from "../../workflow/model.js";
import type { JobFacts } from "./job-facts.js";
import { commandStamps, toolCacheStamps } from "./tool-stamps.js";

export interface KeyParts {
  /** The job's workflow file and the files of the workflows that call it, outermost first. */
  workflowFiles: string[];
  jobId: string;
  event: string;
  ref: string;
  matrix: Record<string, YamlValue> | null;
  needs: Record<string, unknown>;
  inputs: Record<string, YamlValue>;
  vars: Record<string, string>;
  env: Record<string, string>;
  secrets: Record<string, string>;
  /** The triggers of the job's workflow: a `paths:` filter for the event narrows what the job sees. */
  triggers: readonly Trigger[];
  facts: JobFacts;
  /** The whole tree's id, and its files (needed only under a `paths:` filter). */
  tree: string;
  entries: readonly TreeEntry[];
  path: string;
  toolCache: string;
}

const BUILD = ((): string => {
  const file = fileURLToPath(import.meta.url);
  const st = statSync(file);
  return `${file}:${st.size}:${st.mtimeMs}`;
})();

/**
 * What of the tree the job sees: with a `paths:` filter on its event, the files it selects (the
 * workflow files and local actions always); otherwise the whole tree, by its id.
 */
export function visibleTree(parts: Pick<KeyParts, "triggers" | "event" | "tree" | "entries" | "workflowFiles" | "facts">): { scope: string; digest: string } {
  const filters = parts.triggers.filter((t) => t.event === parts.event).map((t) => t.filters);
  const paths = filters.length === 1 ? filters[0]?.paths : undefined;
  const ignore = filters.length === 1 ? filters[0]?.pathsIgnore : undefined;
  if (paths === undefined && ignore === undefined) return { scope: "all files", digest: parts.tree };
  const always = (p: string): boolean => parts.workflowFiles.includes(p) || parts.facts.localActions.some((dir) => p === dir || p.startsWith(`${dir}/`));
  const hash = createHash("sha256");
  let n = 0;
  for (const e of parts.entries) {
    const seen = always(e.path) || ((paths === undefined || matchesFilters(e.path, paths)) && (ignore === undefined || !matchesFilters(e.path, ignore)));
    if (!seen) continue;
    hash.update(`${e.mode} ${e.id} ${e.path}\0`);
    n++;
  }
  return { scope: `${n} files selected by the workflow's paths filter`, digest: hash.digest("hex") };
}

export function inputKey(parts: KeyParts, secretKey: Buffer): string {
  const secrets = Object.fromEntries(
    Object.entries(parts.secrets).map(([name, value]) => [name, createHmac("sha256", secretKey).update(name).update("\0").update(value).digest("hex")]),
  );
  const material = {
    version: 1,
    build: BUILD,
    platform: `${process.platform}/${process.arch}/${process.version}`,
    job: parts.jobId,
    event: parts.event,
    ref: parts.ref,
    matrix: parts.matrix,
    needs: parts.needs,
    inputs: parts.inputs,
    vars: parts.vars,
    env: parts.env,
    secrets,
    uses: parts.facts.uses,
    tree: visibleTree(parts).digest,
    tools: commandStamps(["bash", "sh", ...parts.facts.commands], parts.path),
    toolCache: parts.facts.uses.some((u) => /^actions\/setup-/i.test(u)) ? toolCacheStamps(parts.toolCache) : [],
  };
  return createHash("sha256").update(canonicalJson(material)).digest("hex");
}
