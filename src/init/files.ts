// Everything `tierci init` writes, as repository-relative path -> text.
import { deepWorkflows } from "./deep.js";
import type { ProjectFacts } from "./detect.js";
import { nodeDeepWorkflows } from "./node-deep.js";
import { nodeCiDoc } from "./node-doc.js";
import { nodeWorkflows } from "./node.js";
import { pythonCiDoc } from "./python-doc.js";
import { pythonWorkflows } from "./python.js";
import { tiersYaml } from "./tiers-file.js";

function pythonFiles(facts: ProjectFacts): Record<string, string> {
  const workflows = { ...pythonWorkflows(facts), ...deepWorkflows(facts) };
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(workflows)) out[`.github/workflows/${name}`] = text;
  out[".github/tiers.yml"] = tiersYaml();
  out["docs/CI.md"] = pythonCiDoc(facts);
  return out;
}

/** The same layout as pythonFiles: the tiers file is shared, the workflows and the doc are Node's. */
function nodeFiles(facts: ProjectFacts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries({ ...nodeWorkflows(facts), ...nodeDeepWorkflows(facts) })) out[`.github/workflows/${name}`] = text;
  out[".github/tiers.yml"] = tiersYaml();
  out["docs/CI.md"] = nodeCiDoc(facts);
  return out;
}

export function initFiles(facts: ProjectFacts): Record<string, string> {
  return facts.template === "node" ? nodeFiles(facts) : pythonFiles(facts);
}
