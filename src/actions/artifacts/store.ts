// The artifact store: `<stateDir>/artifacts/<run id>/<name>/` holds `manifest.json` and the
// artifact's files under `files/`, as plain files. Runs are keyed by their id in the run store,
// not their number: numbers start again at 1 in a copied or moved repository, ids never repeat. GitHub zips an artifact to send it over the
// network; here nothing travels, so plain files make uploads and downloads a copy, and leave every
// artifact readable with ordinary tools. compression-level is validated and recorded, not applied.
//
// An artifact appears at once or not at all: it is assembled under `.tmp/` and renamed into
// place, and the rename fails when the name is already taken, which is how two jobs uploading the
// same name in one run are told apart. Ids come from `.ids/`, where each upload creates the file
// one above the highest with O_EXCL. Expired artifacts are swept whenever the store is listed or
// written.
import { maxOf } from "../../util/large-arrays.js";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";

export const DEFAULT_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Leftovers of an upload or sweep that died are removed after this long. */
const STALE_TMP_MS = DAY_MS;

export interface ArtifactFile {
  /** Relative, `/`-separated. */
  path: string;
  size: number;
  sha256: string;
}

export interface ArtifactManifest {
  name: string;
  id: number;
  /** The run's number, as `tierci runs` shows it. */
  run: number;
  /** The run's id in the run store: the directory the artifact is kept in. */
  runId: string;
  /** The repository the run ran on, which gives the run's number its meaning. */
  repoRoot: string;
  job: string;
  /** ISO 8601. */
  created: string;
  expires: string;
  retentionDays: number;
  compressionLevel: number;
  /** sha256 of the file list as `sha256sum` prints it (`<sha256>  <path>\n`, sorted by path). */
  digest: string;
  size: number;
  files: ArtifactFile[];
}

/** A refusal of the store, with a message meant for the user. */
export class ArtifactError extends Error {}

export function artifactsRoot(stateDir: string): string {
  return join(stateDir, "artifacts");
}

function runDir(stateDir: string, runId: string): string {
  if (!isRunKey(runId)) throw new ArtifactError(`'${runId}' is not a run id`);
  return join(artifactsRoot(stateDir), runId);
}

/** A run id names a directory: nothing that could lead elsewhere or hide among the store's own. */
function isRunKey(name: string): boolean {
  return /^[0-9a-z][0-9a-z-]*$/.test(name);
}

export function artifactDir(stateDir: string, runId: string, name: string): string {
  return join(runDir(stateDir, runId), name);
}

/** Where an artifact's files are, as the artifact-url output gives it. */
export function artifactUrl(stateDir: string, manifest: ArtifactManifest): string {
  return pathToFileURL(join(artifactDir(stateDir, manifest.runId, manifest.name), "files")).href;
}

const PATH_CHARACTERS: [string, string][] = [
  ['"', ' Double quote "'],
  [":", " Colon :"],
  ["<", " Less than <"],
  [">", " Greater than >"],
  ["|", " Vertical bar |"],
  ["*", " Asterisk *"],
  ["?", " Question mark ?"],
  ["\r", " Carriage return \\r"],
  ["\n", " Line feed \\n"],
];
const NAME_CHARACTERS: [string, string][] = [...PATH_CHARACTERS, ["\\", " Backslash \\"], ["/", " Forward slash /"]];

/**
 * The name an artifact is stored and listed under: as given, with the job's secrets masked. The
 * mask is spelled without '*', which no artifact name may hold, so that a masked name is still one.
 */
export function storedArtifactName(name: string, mask: (text: string) => string): string {
  return mask(name).replaceAll("***", "(masked)");
}

/** The artifact client's check, word for word; `.` and `..` are refused too, as directory names. */
export function validateArtifactName(name: string): void {
  if (!name) throw new ArtifactError("Provided artifact name input during validation is empty");
  for (const [character, description] of NAME_CHARACTERS) {
    if (name.includes(character)) {
      throw new ArtifactError(
        `The artifact name is not valid: ${name}. Contains the following character: ${description}\n\nInvalid characters include: ${NAME_CHARACTERS.map(([, d]) => d).toString()}\n\nThese characters are not allowed in the artifact name due to limitations with certain file systems such as NTFS. To maintain file system agnostic behavior, these characters are intentionally not allowed to prevent potential problems with downloads on different file systems.`,
      );
    }
  }
  if (name === "." || name === "..") throw new ArtifactError(`The artifact name is not valid: ${name}. It names a directory, not an artifact.`);
}

/** The artifact client's check of a file's path inside the artifact. */
export function validateFilePath(path: string): void {
  for (const [character, description] of PATH_CHARACTERS) {
    if (path.includes(character)) {
      throw new ArtifactError(
        `The path for one of the files in artifact is not valid: ${path}. Contains the following character: ${description}\n\nInvalid characters include: ${PATH_CHARACTERS.map(([, d]) => d).toString()}\n\nThe following characters are not allowed in files that are uploaded due to limitations with certain file systems such as NTFS. To maintain file system agnostic behavior, these characters are intentionally not allowed to prevent potential problems with downloads on different file systems.`,
      );
    }
  }
}

/** A stored path that stays inside whatever directory it is extracted to. */
export function isSafeEntry(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\\") || path.includes("\0")) return false;
  return path.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

export const CONFLICT_MESSAGE =
  "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run";

export interface NewArtifact {
  stateDir: string;
  /** The run's number, id and repository (see ArtifactManifest). */
  run: number;
  runId: string;
  repoRoot: string;
  job: string;
  name: string;
  /** Each file's absolute source and its path inside the artifact. */
  files: { source: string; path: string }[];
  retentionDays: number;
  compressionLevel: number;
  /** Replace an artifact of the same name in the run instead of failing. */
  overwrite: boolean;
  now?: number;
}

export interface SavedArtifact {
  manifest: ArtifactManifest;
  /** The artifact it replaced (overwrite). */
  replaced?: ArtifactManifest;
}

export async function saveArtifact(spec: NewArtifact): Promise<SavedArtifact> {
  validateArtifactName(spec.name);
  for (const f of spec.files) {
    if (!isSafeEntry(f.path)) throw new ArtifactError(`'${f.path}' cannot be a path inside an artifact`);
    validateFilePath(`/${f.path}`);
  }
  const now = spec.now ?? Date.now();
  await sweepExpired(spec.stateDir, now);
  const target = artifactDir(spec.stateDir, spec.runId, spec.name);
  const existing = await readManifest(target);
  if (existing && !spec.overwrite) throw new ArtifactError(CONFLICT_MESSAGE);

  const staging = await stagingDir(spec.stateDir);
  try {
    const files: ArtifactFile[] = [];
    for (const f of [...spec.files].sort((a, b) => compare(a.path, b.path))) {
      const dest = join(staging, "files", f.path);
      await mkdir(dirname(dest), { recursive: true });
      files.push({ path: f.path, ...(await copyHashing(f.source, dest)) });
    }
    const manifest: ArtifactManifest = {
      name: spec.name,
      id: await allocateId(spec.stateDir),
      run: spec.run,
      runId: spec.runId,
      repoRoot: spec.repoRoot,
      job: spec.job,
      created: new Date(now).toISOString(),
      expires: new Date(now + spec.retentionDays * DAY_MS).toISOString(),
      retentionDays: spec.retentionDays,
      compressionLevel: spec.compressionLevel,
      digest: digestOf(files),
      size: files.reduce((n, f) => n + f.size, 0),
      files,
    };
    await writeFile(join(staging, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    const replaced = await moveIntoPlace(spec.stateDir, staging, target, spec.overwrite);
    return replaced ? { manifest, replaced } : { manifest };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Renames the staged artifact to its name; with overwrite, the one there is moved away first. */
async function moveIntoPlace(stateDir: string, staging: string, target: string, overwrite: boolean): Promise<ArtifactManifest | undefined> {
  let replaced: ArtifactManifest | undefined;
  // Another job may put the same name back between the two renames; the real action retries too.
  for (let attempt = 0; ; attempt++) {
    if (overwrite) {
      const previous = await readManifest(target);
      if (previous) {
        const trash = await stagingDir(stateDir);
        await rename(target, join(trash, "old")).catch(missing);
        await rm(trash, { recursive: true, force: true });
        replaced ??= previous;
      }
    }
    // A sweep in another job removes run directories it finds empty, this one included.
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(staging, target);
      return replaced;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && attempt < 3) continue;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
      if (!overwrite || attempt >= 3) throw new ArtifactError(CONFLICT_MESSAGE);
    }
  }
}

async function stagingDir(stateDir: string): Promise<string> {
  const dir = join(artifactsRoot(stateDir), ".tmp", `${Date.now()}-${process.pid}-${randomBytes(4).toString("hex")}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Copies a file, hashing what it reads. Files are stored without their permission bits, like
 * the zip GitHub makes: a downloaded file is never executable.
 */
export async function copyHashing(source: string, dest: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(
    createReadStream(source),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(dest, { flags: "wx", mode: 0o644 }),
  );
  return { size, sha256: hash.digest("hex") };
}

function digestOf(files: ArtifactFile[]): string {
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.sha256}  ${f.path}\n`);
  return hash.digest("hex");
}

async function allocateId(stateDir: string): Promise<number> {
  const dir = join(artifactsRoot(stateDir), ".ids");
  await mkdir(dir, { recursive: true });
  for (let id = (await highestId(dir)) + 1; ; id++) {
    try {
      await (await open(join(dir, String(id)), "wx")).close();
      return id;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

async function highestId(dir: string): Promise<number> {
  const ids = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n)).map(Number);
  return maxOf(ids);
}

function missing(err: NodeJS.ErrnoException): undefined {
  if (err.code === "ENOENT") return undefined;
  throw err;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The manifest in an artifact directory, or undefined when there is none or it is not one. */
export async function readManifest(dir: string): Promise<ArtifactManifest | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8"));
  } catch {
    return undefined;
  }
  return isManifest(value) ? value : undefined;
}

function isManifest(v: unknown): v is ArtifactManifest {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Record<string, unknown>;
  const strings = ["name", "runId", "repoRoot", "job", "created", "expires", "digest"].every((k) => typeof m[k] === "string");
  const numbers = ["id", "run", "retentionDays", "compressionLevel", "size"].every((k) => typeof m[k] === "number");
  const files =
    Array.isArray(m["files"]) &&
    m["files"].every(
      (f: unknown) =>
        typeof f === "object" &&
        f !== null &&
        typeof (f as ArtifactFile).path === "string" &&
        typeof (f as ArtifactFile).size === "number" &&
        typeof (f as ArtifactFile).sha256 === "string",
    );
  return strings && numbers && files && !Number.isNaN(Date.parse(m["expires"] as string));
}

/** The run's artifacts that have not expired, oldest first; expired ones anywhere are removed. */
export async function listArtifacts(stateDir: string, runId: string, now = Date.now()): Promise<ArtifactManifest[]> {
  await sweepExpired(stateDir, now);
  return manifestsOf(stateDir, runId);
}

async function manifestsOf(stateDir: string, runId: string): Promise<ArtifactManifest[]> {
  const dir = runDir(stateDir, runId);
  const result: ArtifactManifest[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const manifest = await readManifest(join(dir, name));
    // A directory whose manifest names another artifact was not put there by the store.
    if (manifest && manifest.name === name && manifest.runId === runId) result.push(manifest);
  }
  return result.sort((a, b) => compare(a.created, b.created) || compare(a.name, b.name));
}

/** The id of the run of `repoRoot` numbered `number` that has artifacts here, expired or not. */
export async function runIdByNumber(stateDir: string, repoRoot: string, number: number): Promise<string | undefined> {
  for (const runId of await runKeys(stateDir)) {
    const [first] = await manifestsOf(stateDir, runId);
    if (first?.run === number && first.repoRoot === repoRoot) return runId;
  }
  return undefined;
}

async function runKeys(stateDir: string): Promise<string[]> {
  return (await readdir(artifactsRoot(stateDir)).catch(() => [] as string[])).filter(isRunKey);
}

/** Deletes a run's artifacts (all of them, expired or not) and returns what was there. */
export async function removeRunArtifacts(stateDir: string, runId: string): Promise<ArtifactManifest[]> {
  const removed = await manifestsOf(stateDir, runId);
  const trash = await stagingDir(stateDir);
  await rename(runDir(stateDir, runId), join(trash, "old")).catch(missing);
  await rm(trash, { recursive: true, force: true });
  return removed;
}

/** Removes expired artifacts, emptied run directories and leftovers of dead uploads. */
export async function sweepExpired(stateDir: string, now = Date.now()): Promise<ArtifactManifest[]> {
  const root = artifactsRoot(stateDir);
  const removed: ArtifactManifest[] = [];
  for (const run of await runKeys(stateDir)) {
    const dir = join(root, run);
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const manifest = await readManifest(join(dir, name));
      if (!manifest || Date.parse(manifest.expires) > now) continue;
      // Renamed away first, so that no reader sees it half removed.
      const trash = await stagingDir(stateDir);
      if (
        await rename(join(dir, name), join(trash, "old")).then(
          () => true,
          () => false,
        )
      )
        removed.push(manifest);
      await rm(trash, { recursive: true, force: true });
    }
    await rmdir(dir).catch(() => undefined);
  }
  for (const entry of await readdir(join(root, ".tmp")).catch(() => [] as string[])) {
    const started = Number(entry.split("-")[0]);
    if (Number.isFinite(started) && now - started > STALE_TMP_MS) await rm(join(root, ".tmp", entry), { recursive: true, force: true });
  }
  await pruneIds(join(root, ".ids"));
  return removed;
}

/** Ids only ever go up from the highest file, so every other one can go. */
async function pruneIds(dir: string): Promise<void> {
  const highest = await highestId(dir);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (/^\d+$/.test(name) && Number(name) < highest) await unlink(join(dir, name)).catch(() => undefined);
  }
}
