#!/usr/bin/env node
import "./register.js";

// A reader that stops early (`tierci graph | head`) closes the pipe; that ends the output, not in a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const { main } = await import("../dist/src/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
