// `node --import <this module>`: records every module the process loads in the file named by
// TIERCI_LOAD_LOG (one URL a line). For tests only; tierci itself runs without loader hooks.
import { register } from "node:module";

const logFile = process.env["TIERCI_LOAD_LOG"];
if (logFile) register("./load-recorder-hooks.js", import.meta.url, { data: { logFile } });
