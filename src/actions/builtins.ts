// Actions tierci implements itself; they take precedence over any copy on disk.
import { gitleaksAction, secretScanAction, trufflehogAction } from "../gates/secrets/action.js";
import type { BuiltinAction } from "./builtin-types.js";
import { downloadArtifactAction } from "./artifacts/download.js";
import { uploadArtifactAction } from "./artifacts/upload.js";
import { cacheAction, cacheRestoreAction, cacheSaveAction } from "./cache/actions.js";
import { checkoutAction } from "./checkout.js";
import { depsAuditAction } from "../gates/deps/action.js";
import { pipAuditAction } from "../gates/deps/pip-audit-action.js";
import { auditAction } from "../gates/audit/action.js";
import { policyCheckAction } from "../gates/policy/action.js";
import { codecovAction } from "./codecov/codecov.js";
import { setupGoAction } from "./setup/setup-go.js";
import { setupJavaAction } from "./setup/setup-java.js";
import { setupNodeAction } from "./setup/setup-node.js";
import { setupPythonAction } from "./setup/setup-python.js";
import { setupUvAction } from "./setup/setup-uv.js";

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
