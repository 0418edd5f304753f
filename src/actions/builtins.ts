// Actions tierci implements itself; they take precedence over any copy on disk.
import type { BuiltinAction } from "./builtin-types.js";
import { checkoutAction } from "./checkout.js";

const BUILTINS = new Map<string, BuiltinAction>([[checkoutAction.name, checkoutAction]]);

export function isBuiltin(name: string): boolean {
  return BUILTINS.has(name.toLowerCase());
}

export function builtin(name: string): BuiltinAction | undefined {
  return BUILTINS.get(name.toLowerCase());
}
