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

const { main } = await import("../dist/cli/main.js");
const code = await main(process.argv.slice(2));

// A command awaits everything it starts before main returns, so what is left is Node tearing down
// the heap, tens of milliseconds after a run. Output still buffered for a slow reader goes first.
const drained = (stream) => new Promise((done) => (stream.writableLength === 0 ? done() : stream.once("drain", done)));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
