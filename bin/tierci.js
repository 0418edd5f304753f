#!/usr/bin/env node
import "./register.js";

const { main } = await import("../dist/src/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
