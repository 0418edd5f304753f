// What a run that was killed (kill -9, a crash, a power cut) left behind: processes its steps
// started and job directories under the temporary directory. Both carry the run's tag in their
// names or environment, so they can be found after the tierci process that owned them is gone.
import { readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killMarked, runMarkerPrefix, type KilledProcess } from "./process-tree.js";
import { jobDirPrefix } from "./workspace.js";

export interface Leftovers {
  processes: KilledProcess[];
  dirs: string[];
}

/** Ends the run's processes, then removes its job directories. Only call it for a run whose owner is gone. */
export async function cleanUpRun(runTag: string): Promise<Leftovers> {
  const processes = await killMarked(runMarkerPrefix(runTag));
  const prefix = jobDirPrefix(runTag);
  const dirs = (await readdir(tmpdir()).catch(() => [] as string[])).filter((n) => n.startsWith(prefix)).map((n) => join(tmpdir(), n));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true, maxRetries: 3 })));
  return { processes, dirs };
}
