// @actions/workflow-parser imports its JSON schemas without `with { type: "json" }`,
// which plain Node ESM rejects; serve those files as ES modules instead.
import { readFile } from "node:fs/promises";

export async function load(url, context, nextLoad) {
  if (url.startsWith("file:") && url.endsWith(".json")) {
    const text = await readFile(new URL(url), "utf8");
    return { format: "module", source: `export default ${text};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
