// The versions of the tools a job runs, as cheap stamps rather than by running them: the binary
// a command name resolves to on PATH (its real path, size and modification time change when the
// tool is upgraded), and the versions present in the tool cache for the setup actions.
import { readdirSync, realpathSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** `name=realpath:size:mtime` for each command found on `path`; `name=missing` otherwise. */
export function commandStamps(commands: readonly string[], path: string): string[] {
  const dirs = path.split(delimiter).filter((d) => d !== "");
  return commands.map((name) => {
    for (const dir of dirs) {
      try {
        const real = realpathSync(join(dir, name));
        const st = statSync(real);
        if (st.isFile() && (st.mode & 0o111) !== 0) return `${name}=${real}:${st.size}:${st.mtimeMs}`;
      } catch {
        // Not in this directory: try the next.
      }
    }
    return `${name}=missing`;
  });
}

/** Every `tool/version/arch` the tool cache holds: installing another version may change what a setup action picks. */
export function toolCacheStamps(root: string): string[] {
  const list = (dir: string): string[] => {
    try {
      return readdirSync(dir).sort();
    } catch {
      return [];
    }
  };
  return list(root).flatMap((tool) => list(join(root, tool)).flatMap((version) => list(join(root, tool, version)).map((arch) => `${tool}/${version}/${arch}`)));
}
