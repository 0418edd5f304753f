// A small program that runs a repository's pipeline through the library, as the server and
// agents will: `node pipeline-program.js REPO TIER` prints the run summary as JSON.
import { runPipeline } from "../../src/pipeline/index.js";

const [repo, tier] = process.argv.slice(2);
if (repo === undefined || tier === undefined) {
  console.error("usage: pipeline-program REPO TIER");
  process.exit(2);
}
const result = await runPipeline({
  repo,
  tier,
  event: "push",
  inputs: {},
  vars: {},
  secrets: {},
  env: {},
  gate: true,
  enforceBudgets: false,
  reuseWorkspace: false,
  keepWorkspace: false,
  actionDirs: [],
  offline: true,
  debug: false,
});
process.stdout.write(JSON.stringify(result.kind === "ran" ? result.summary : null));
