// actions/download-artifact (v3-v4) from the local artifact store. As on GitHub, run-id is only
// read when github-token is given; it then names a local run by its number (`tierci runs`), the
// only runs whose artifacts this machine has. Another repository cannot be reached.
import { isAbsolute, join, resolve } from "node:path";
import picomatch from "picomatch";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../builtin-types.js";
import { booleanInput, homeOf } from "./inputs.js";
import { extractArtifact } from "./extract.js";
import { ArtifactError, artifactsRoot, listArtifacts, runIdByNumber, storedArtifactName, type ArtifactManifest } from "./store.js";

function fail(message: string): never {
  throw new BuiltinFailure(`Unable to download artifact(s): ${message}`);
}

/** The id of the run to download from: the current one unless a token points at another. */
async function sourceRun(run: BuiltinRun): Promise<string> {
  const token = run.inputs["github-token"] ?? "";
  const runId = (run.inputs["run-id"] ?? "").trim();
  if (!token) {
    if (runId && runId !== run.runId) run.log(`run-id ${runId} is ignored without github-token, as on GitHub: downloading from this run`);
    return run.recordId;
  }
  const repository = run.inputs["repository"] || run.repository;
  if (repository.toLowerCase() !== run.repository.toLowerCase()) {
    fail(`artifacts of another repository (${repository}) are on GitHub, which tierci does not use; only this repository's local runs have artifacts here`);
  }
  if (!runId || runId === run.runId) return run.recordId;
  if (!/^\d+$/.test(runId))
    fail(`run-id '${runId}' is not a run number; tierci finds artifacts of the local runs of this repository by number (see \`tierci runs\`)`);
  const found = await runIdByNumber(run.stateDir, run.repoRoot, Number(runId));
  if (found === undefined) {
    fail(
      `run-id ${runId}: no local run #${runId} has artifacts in ${artifactsRoot(run.stateDir)}; tierci reads run-id as the number of a local run (see \`tierci runs\`), not a GitHub run id`,
    );
  }
  return found;
}

function destination(run: BuiltinRun): string {
  let path = run.inputs["path"] ?? "";
  if (!path) return run.workspace;
  if (path.startsWith("~")) path = path.replace("~", homeOf(run));
  return isAbsolute(path) ? resolve(path) : resolve(run.workspace, path);
}

async function download(run: BuiltinRun): Promise<void> {
  const name = storedArtifactName(run.inputs["name"] ?? "", run.mask);
  const pattern = run.inputs["pattern"] ?? "";
  const mergeMultiple = booleanInput(run, "merge-multiple");
  const source = await sourceRun(run);
  const target = destination(run);
  const available = await listArtifacts(run.stateDir, source);

  let artifacts: ArtifactManifest[];
  if (name) {
    run.log("Downloading single artifact");
    const found = available.find((a) => a.name === name);
    if (!found) {
      fail(
        `Artifact not found for name: ${name}\nPlease ensure that your artifact is not expired and the artifact was uploaded using a compatible version of toolkit/upload-artifact.`,
      );
    }
    artifacts = [found];
  } else if (pattern) {
    run.log(`Filtering artifacts by pattern '${pattern}'`);
    const matches = picomatch(pattern, { posix: true, windows: false });
    artifacts = available.filter((a) => matches(a.name));
  } else {
    run.log("No input name or pattern filtered specified, downloading all artifacts");
    if (!mergeMultiple) run.log("An extra directory with the artifact name will be created for each download");
    artifacts = available;
  }
  if (artifacts.length > 0) {
    run.log("Preparing to download the following artifacts:");
    for (const a of artifacts) run.log(`- ${a.name} (ID: ${a.id}, Size: ${a.size})`);
  }
  for (const a of artifacts) {
    const dir = name || mergeMultiple ? target : join(target, a.name);
    run.log(`Starting download of artifact to: ${dir}`);
    try {
      const result = await extractArtifact(run.stateDir, a, dir);
      if (result.mismatched.length > 0) run.warning(`Artifact '${a.name}' digest validation failed. Please verify the integrity of the artifact.`);
    } catch (err) {
      if (err instanceof ArtifactError) fail(err.message);
      fail(`Unable to download and extract artifact: ${(err as Error).message}`);
    }
    run.log("Artifact download completed successfully.");
  }
  run.log(`Total of ${artifacts.length} artifact(s) downloaded`);
  run.setOutput("download-path", target);
  run.log("Download artifact has finished successfully");
}

export const downloadArtifactAction: BuiltinAction = {
  name: "actions/download-artifact",
  inputs: {
    name: { default: "" },
    path: { default: "" },
    pattern: { default: "" },
    "merge-multiple": { default: "false" },
    "github-token": { default: "" },
    repository: { default: "${{ github.repository }}" },
    "run-id": { default: "${{ github.run_id }}" },
  },
  main: download,
};
