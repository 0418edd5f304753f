import { register } from "node:module";

register("./json-import-hook.js", import.meta.url);
