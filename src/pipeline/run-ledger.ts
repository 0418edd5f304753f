// A file for each run in progress under <stateDir>/live, naming the tierci process that owns
// it. When that process was killed (kill -9), the next run finds the file, ends the processes
// the dead run's steps left behind and removes its job directories, and says what it cleaned.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanUpRun, type Leftovers } from "../runner/orphans.js";
import { currentProcess, processState, type ProcessIdentity } from "../util/process-identity.js";

interface Entry {
  runId: string;
  runNumber: number;
  owner: ProcessIdentity;
}

export interface Reaped extends Leftovers {
  runNumber: number;
}

function liveDir(stateDir: string): string {
  return join(stateDir, "live");
}

/** Records the run as this process's; the returned function removes the record when the run ends. */
export function recordLiveRun(stateDir: string, runId: string, runNumber: number): () => void {
  mkdirSync(liveDir(stateDir), { recursive: true });
  const path = join(liveDir(stateDir), `${runId}.json`);
  const entry: Entry = { runId, runNumber, owner: currentProcess() };
  writeFileSync(path, JSON.stringify(entry));
  return () => rmSync(path, { force: true });
}

function readEntry(path: string): Entry | undefined {
  try {
    const entry = JSON.parse(readFileSync(path, "utf8")) as Partial<Entry>;
    if (typeof entry.runId !== "string" || !/^[0-9a-z]+$/.test(entry.runId) || typeof entry.owner?.pid !== "number") return undefined;
    return entry as Entry;
  } catch {
    return undefined;
  }
}

/** Cleans up after every recorded run whose owner is gone; runs of live owners and of other hosts are left alone. */
export async function reapDeadRuns(stateDir: string): Promise<Reaped[]> {
  let names: string[];
  try {
    names = readdirSync(liveDir(stateDir)).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  const reaped: Reaped[] = [];
  for (const name of names) {
    const path = join(liveDir(stateDir), name);
    const entry = readEntry(path);
    if (!entry) {
      rmSync(path, { force: true });
      continue;
    }
    if (processState(entry.owner) !== "dead") continue;
    reaped.push({ runNumber: entry.runNumber, ...(await cleanUpRun(entry.runId)) });
    rmSync(path, { force: true });
  }
  return reaped;
}
