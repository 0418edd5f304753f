// The actions tierci implements itself (checkout, setup-*, cache, artifacts, the gates); they take
// precedence over any copy on disk. The runner owns the list, since it is the layer that sees both
// the actions and the gates. Each action's module is imported when a step uses it, so a job that
// uses none (a pre-push hook's `run:` steps) never loads the gates, the setup actions or their parsers.
import type { BuiltinAction } from "../actions/builtin-types.js";

/** By the action's name in lower case, as `uses:` names are compared. */
const BUILTINS = new Map<string, () => Promise<BuiltinAction>>([
  ["tierci/secret-scan", async () => (await import("../gates/secrets/action.js")).secretScanAction],
  ["trufflesecurity/trufflehog", async () => (await import("../gates/secrets/action.js")).trufflehogAction],
  ["gitleaks/gitleaks-action", async () => (await import("../gates/secrets/action.js")).gitleaksAction],
  ["actions/checkout", async () => (await import("../actions/checkout.js")).checkoutAction],
  ["tierci/deps-audit", async () => (await import("../gates/deps/action.js")).depsAuditAction],
  ["pypa/gh-action-pip-audit", async () => (await import("../gates/deps/pip-audit-action.js")).pipAuditAction],
  ["tierci/policy-check", async () => (await import("../gates/policy/action.js")).policyCheckAction],
  ["tierci/audit", async () => (await import("../gates/audit/action.js")).auditAction],
  ["actions/upload-artifact", async () => (await import("../actions/artifacts/upload.js")).uploadArtifactAction],
  ["actions/download-artifact", async () => (await import("../actions/artifacts/download.js")).downloadArtifactAction],
  ["codecov/codecov-action", async () => (await import("../actions/codecov/codecov.js")).codecovAction],
  ["actions/cache", async () => (await import("../actions/cache/actions.js")).cacheAction],
  ["actions/cache/restore", async () => (await import("../actions/cache/actions.js")).cacheRestoreAction],
  ["actions/cache/save", async () => (await import("../actions/cache/actions.js")).cacheSaveAction],
  ["actions/setup-python", async () => (await import("../actions/setup/setup-python.js")).setupPythonAction],
  ["actions/setup-node", async () => (await import("../actions/setup/setup-node.js")).setupNodeAction],
  ["astral-sh/setup-uv", async () => (await import("../actions/setup/setup-uv.js")).setupUvAction],
  ["actions/setup-go", async () => (await import("../actions/setup/setup-go.js")).setupGoAction],
  ["actions/setup-java", async () => (await import("../actions/setup/setup-java.js")).setupJavaAction],
]);

/** Every built-in action's name, in lower case. */
export const BUILTIN_NAMES: readonly string[] = [...BUILTINS.keys()];

export function isBuiltin(name: string): boolean {
  return BUILTINS.has(name.toLowerCase());
}

export async function builtin(name: string): Promise<BuiltinAction | undefined> {
  return BUILTINS.get(name.toLowerCase())?.();
}
