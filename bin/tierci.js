#!/usr/bin/env node
import { enableCompileCache } from "../dist/src/cli/compile-cache.js";

// Before anything else is imported, so that every module after this one can come from the cache.
enableCompileCache();

// A reader that stops early (`tierci graph | head`) closes the pipe; that ends the output, not in a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const { main } = await import("../dist/src/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
