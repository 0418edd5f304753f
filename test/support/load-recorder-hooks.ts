// Module loader hooks for tests that check which modules a process loads (see ./load-recorder.ts):
// every URL the process resolves is appended to a file, as it happens, so the list is complete
// however the process ends.
import { appendFileSync } from "node:fs";
import type { InitializeHook, ResolveHook } from "node:module";

let logFile = "";

export const initialize: InitializeHook<{ logFile: string }> = (data) => {
  logFile = data.logFile;
};

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(logFile, `${resolved.url}\n`);
  return resolved;
};
