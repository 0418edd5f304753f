// The git pre-push hook: where it goes, what it says, and telling ours from someone else's.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";

export const HOOK_MARKER = "# tierci pre-push hook";

/** The hooks directory git uses: core.hooksPath when set (relative to the work tree), else .git/hooks. */
export function hooksDir(root: string): string {
  const configured = spawnSync("git", ["config", "core.hooksPath"], { cwd: root, encoding: "utf8" }).stdout.trim();
  if (configured !== "") return isAbsolute(configured) ? configured : join(root, configured);
  const common = spawnSync("git", ["rev-parse", "--git-common-dir"], { cwd: root, encoding: "utf8" }).stdout.trim();
  return join(isAbsolute(common) ? common : join(root, common || ".git"), "hooks");
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

export function hookScript(cliPath: string): string {
  return `#!/bin/sh
${HOOK_MARKER} (written by \`tierci hook install\`; \`tierci hook uninstall\` removes it).
# Runs the first tier of .github/tiers.yml before every push; skip it once with git push --no-verify.
TIERCI_JS=${shellQuote(cliPath)}
if [ -f "$TIERCI_JS" ] && command -v node >/dev/null 2>&1; then
  exec node "$TIERCI_JS" hook run
elif command -v tierci >/dev/null 2>&1; then
  exec tierci hook run
fi
echo "tierci pre-push hook: tierci not found (was $TIERCI_JS); push with --no-verify to skip" >&2
exit 1
`;
}

export type HookResult = "installed" | "foreign" | "absent" | "removed";

export function installHook(root: string, cliPath: string, force: boolean): { result: HookResult; path: string } {
  const dir = hooksDir(root);
  const path = join(dir, "pre-push");
  if (existsSync(path) && !readFileSync(path, "utf8").includes(HOOK_MARKER) && !force) return { result: "foreign", path };
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, hookScript(cliPath));
  chmodSync(path, 0o755);
  return { result: "installed", path };
}

export function uninstallHook(root: string): { result: HookResult; path: string } {
  const path = join(hooksDir(root), "pre-push");
  if (!existsSync(path)) return { result: "absent", path };
  if (!readFileSync(path, "utf8").includes(HOOK_MARKER)) return { result: "foreign", path };
  rmSync(path);
  return { result: "removed", path };
}
