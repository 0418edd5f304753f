#!/usr/bin/env node
import { setTimeout } from "node:timers";
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
// the heap, tens of milliseconds after a run. Output still queued for a slow reader goes first:
// the queue is watched rather than waited on with 'drain', which comes only after a write that
// filled the buffer.
const flushed = (stream) =>
  new Promise((done) => {
    const check = () => (stream.writableLength === 0 ? done() : setTimeout(check, 2));
    check();
  });
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
