// Directory trees as tar archives, through the system's tar: a run's artifacts and caches go to agents
// this way and come back this way. What an agent sends is checked before anything is written:
// only plain files and directories, every path inside the target.
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
const MAX_TAR_BYTES = 8 * 1024 * 1024 * 1024;

export async function packDirectory(dir: string, entries: readonly string[] = ["."]): Promise<Buffer> {
  const r = await exec("tar", ["-C", dir, "-cf", "-", "--", ...entries], { encoding: "buffer", maxBuffer: MAX_TAR_BYTES });
  return r.stdout;
}

/** Why the archive may not be unpacked, or undefined when it may: a link, a device, an absolute or `..` path. */
export async function unsafeEntry(archive: string): Promise<string | undefined> {
  const r = await exec("tar", ["-tvf", archive], { maxBuffer: 256 * 1024 * 1024 });
  const names = (await exec("tar", ["-tf", archive], { maxBuffer: 256 * 1024 * 1024 })).stdout.split("\n").filter((l) => l !== "");
  for (const line of r.stdout.split("\n")) {
    if (line === "") continue;
    if (line[0] !== "-" && line[0] !== "d") return `an entry that is not a file or directory: ${line}`;
  }
  for (const name of names) {
    if (name.startsWith("/") || name.split("/").includes("..")) return `a path outside the target: ${name}`;
  }
  return undefined;
}

/** Unpacks `data` into `dir` once it is checked; throws saying why it was refused. */
export async function unpackInto(data: Buffer, dir: string): Promise<void> {
  const scratch = join(tmpdir(), `tierci-unpack-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.tar`);
  writeFileSync(scratch, data);
  try {
    const why = await unsafeEntry(scratch);
    if (why !== undefined) throw new Error(`refused an archive: ${why}`);
    mkdirSync(dir, { recursive: true });
    await exec("tar", ["-C", dir, "-xf", scratch, "--no-same-owner", "--no-same-permissions"]);
  } finally {
    rmSync(scratch, { force: true });
  }
}
