export * from "./evaluate.js";
