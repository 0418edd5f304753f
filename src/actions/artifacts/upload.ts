// actions/upload-artifact (v3-v4) into the local artifact store, with v4's behaviour for every
// version: a name is taken once per run unless overwrite is set. artifact-url is a file:// URL
// of the stored files, and artifact-digest the store's digest of them (see store.ts), since no
// zip is made.
import { relative } from "node:path";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../builtin-types.js";
import { booleanInput, homeOf } from "./inputs.js";
import { findFilesToUpload, PatternError } from "./search.js";
import { ArtifactError, artifactsRoot, artifactUrl, DEFAULT_RETENTION_DAYS, saveArtifact, storedArtifactName, validateArtifactName } from "./store.js";

const NO_FILES = ["warn", "error", "ignore"] as const;

function retentionDays(run: BuiltinRun): number {
  const text = (run.inputs["retention-days"] ?? "").trim();
  if (!text) return DEFAULT_RETENTION_DAYS;
  const days = parseInt(text, 10);
  if (Number.isNaN(days) || days < 0) throw new BuiltinFailure("Invalid retention-days");
  if (days === 0) return DEFAULT_RETENTION_DAYS;
  if (days > DEFAULT_RETENTION_DAYS) {
    run.warning(`Retention days cannot be greater than the maximum allowed retention set within the repository. Using ${DEFAULT_RETENTION_DAYS} instead.`);
    return DEFAULT_RETENTION_DAYS;
  }
  return days;
}

function compressionLevel(run: BuiltinRun): number {
  const text = (run.inputs["compression-level"] ?? "").trim();
  if (!text) return 6;
  const level = parseInt(text, 10);
  if (Number.isNaN(level)) throw new BuiltinFailure("Invalid compression-level");
  if (level < 0 || level > 9) throw new BuiltinFailure("Invalid compression-level. Valid values are 0-9");
  return level;
}

async function upload(run: BuiltinRun): Promise<void> {
  const given = run.inputs["name"] || "artifact";
  const searchPath = run.inputs["path"] ?? "";
  if (!searchPath.trim()) throw new BuiltinFailure("Input required and not supplied: path");
  const ifNoFilesFound = run.inputs["if-no-files-found"] ?? "warn";
  if (!(NO_FILES as readonly string[]).includes(ifNoFilesFound)) {
    throw new BuiltinFailure(`Unrecognized if-no-files-found input. Provided: ${ifNoFilesFound}. Available options: ${NO_FILES.join(",")}`);
  }
  const overwrite = booleanInput(run, "overwrite");
  const includeHiddenFiles = booleanInput(run, "include-hidden-files");
  const days = retentionDays(run);
  const level = compressionLevel(run);
  try {
    const search = await findFilesToUpload(searchPath, { cwd: run.workspace, home: homeOf(run), includeHiddenFiles, log: run.log });
    if (search.files.length === 0) {
      const message = `No files were found with the provided path: ${searchPath}. No artifacts will be uploaded.`;
      if (ifNoFilesFound === "error") throw new BuiltinFailure(message);
      if (ifNoFilesFound === "warn") run.warning(message);
      else run.log(message);
      return;
    }
    validateArtifactName(given);
    // GitHub checks the name as given; it is stored masked, so a secret in it stays off the disk.
    const name = storedArtifactName(given, run.mask);
    run.log(`With the provided path, there will be ${search.files.length} file${search.files.length === 1 ? "" : "s"} uploaded`);
    const files = search.files.map((source) => ({ source, path: relative(search.rootDirectory, source) }));
    const saved = await saveArtifact({
      stateDir: run.stateDir,
      run: run.runNumber,
      runId: run.recordId,
      repoRoot: run.repoRoot,
      job: run.jobKey,
      name,
      files,
      retentionDays: days,
      compressionLevel: level,
      overwrite,
    });
    if (saved.replaced) run.log(`Artifact '${name}' (ID: ${saved.replaced.id}) deleted`);
    const { manifest } = saved;
    const url = artifactUrl(run.stateDir, manifest);
    run.log(`Artifact ${name} has been successfully uploaded! Final size is ${manifest.size} bytes. Artifact ID is ${manifest.id}`);
    run.log(`Artifact download URL: ${url}`);
    run.log(`(kept on this machine in ${artifactsRoot(run.stateDir)} for ${days} days; nothing is uploaded to GitHub)`);
    run.setOutput("artifact-id", String(manifest.id));
    run.setOutput("artifact-url", url);
    run.setOutput("artifact-digest", manifest.digest);
    run.report({ kind: "artifact", name, files: manifest.files.length, bytes: manifest.size, retentionDays: days });
  } catch (err) {
    if (err instanceof ArtifactError || err instanceof PatternError) throw new BuiltinFailure(err.message);
    throw err;
  }
}

export const uploadArtifactAction: BuiltinAction = {
  name: "actions/upload-artifact",
  inputs: {
    name: { default: "artifact" },
    path: { required: true },
    "if-no-files-found": { default: "warn" },
    "retention-days": { default: "" },
    "compression-level": { default: "6" },
    overwrite: { default: "false" },
    "include-hidden-files": { default: "false" },
  },
  main: upload,
};
