// The actions tierci implements itself (checkout, setup-*, cache, artifacts, the gates); they take
// precedence over any copy on disk. The runner owns the list, since it is the layer that sees both
// the actions and the gates.
import { gitleaksAction, secretScanAction, trufflehogAction } from "../gates/secrets/action.js";
import type { BuiltinAction } from "../actions/builtin-types.js";
import { downloadArtifactAction } from "../actions/artifacts/download.js";
import { uploadArtifactAction } from "../actions/artifacts/upload.js";
import { cacheAction, cacheRestoreAction, cacheSaveAction } from "../actions/cache/actions.js";
import { checkoutAction } from "../actions/checkout.js";
import { depsAuditAction } from "../gates/deps/action.js";
import { pipAuditAction } from "../gates/deps/pip-audit-action.js";
import { auditAction } from "../gates/audit/action.js";
import { policyCheckAction } from "../gates/policy/action.js";
import { codecovAction } from "../actions/codecov/codecov.js";
import { setupGoAction } from "../actions/setup/setup-go.js";
import { setupJavaAction } from "../actions/setup/setup-java.js";
import { setupNodeAction } from "../actions/setup/setup-node.js";
import { setupPythonAction } from "../actions/setup/setup-python.js";
import { setupUvAction } from "../actions/setup/setup-uv.js";

const BUILTINS = new Map<string, BuiltinAction>([
  [secretScanAction.name, secretScanAction],
  [trufflehogAction.name, trufflehogAction],
  [gitleaksAction.name, gitleaksAction],
  [checkoutAction.name, checkoutAction],
  [depsAuditAction.name, depsAuditAction],
  [pipAuditAction.name, pipAuditAction],
  [policyCheckAction.name, policyCheckAction],
  [auditAction.name, auditAction],
  [uploadArtifactAction.name, uploadArtifactAction],
  [downloadArtifactAction.name, downloadArtifactAction],
  [codecovAction.name, codecovAction],
  [cacheAction.name, cacheAction],
  [cacheRestoreAction.name, cacheRestoreAction],
  [cacheSaveAction.name, cacheSaveAction],
  [setupPythonAction.name, setupPythonAction],
  [setupNodeAction.name, setupNodeAction],
  [setupUvAction.name, setupUvAction],
  [setupGoAction.name, setupGoAction],
  [setupJavaAction.name, setupJavaAction],
]);

export function isBuiltin(name: string): boolean {
  return BUILTINS.has(name.toLowerCase());
}

export function builtin(name: string): BuiltinAction | undefined {
  return BUILTINS.get(name.toLowerCase());
}
