import { readdirSync } from "node:fs";

/** The names in a directory, sorted; none when it does not exist or cannot be read. */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
