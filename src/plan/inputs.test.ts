import { test } from "node:test";
import assert from "node:assert/strict";
import type { InputDef, InputType } from "../workflow/model.js";
import { resolveInputs } from "./inputs.js";

const pos = { file: ".github/workflows/w.yml", line: 1, col: 1 };
const input = (name: string, type: InputType, extra: Partial<InputDef> = {}): InputDef => ({ name, type, required: false, pos, ...extra });

test("booleans take true/false in any case and yield booleans", () => {
  const defs = [input("a", "boolean"), input("b", "boolean"), input("c", "boolean")];
  const r = resolveInputs(defs, { a: "true", b: "FALSE", c: " True " }, "workflow_dispatch");
  assert.deepEqual(r, { values: { a: true, b: false, c: true }, errors: [] });
});

test("a boolean given anything else is an error saying what to pass", () => {
  const r = resolveInputs([input("debug", "boolean")], { debug: "yes" }, "workflow_dispatch");
  assert.deepEqual(r.values, {});
  assert.deepEqual(r.errors, ["input 'debug' is a boolean, so it takes true or false, not 'yes'; pass --input debug=true|false"]);
});

test("numbers parse to finite numbers", () => {
  const defs = [input("n", "number"), input("m", "number"), input("e", "number")];
  assert.deepEqual(resolveInputs(defs, { n: "42", m: "-3.5", e: "1e3" }, "workflow_call"), {
    values: { n: 42, m: -3.5, e: 1000 },
    errors: [],
  });
});

test("an invalid number is an error", () => {
  for (const bad of ["abc", "", "0x10", "Infinity", "1e999", "12px"]) {
    const r = resolveInputs([input("shards", "number")], { shards: bad }, "workflow_dispatch");
    assert.deepEqual(r.errors, [`input 'shards' is a number, and '${bad}' is not one; pass --input shards=NUMBER`], bad);
  }
});

test("a choice must be one of its options, exactly", () => {
  const def = input("suite", "choice", { options: ["nightly", "weekly"] });
  assert.deepEqual(resolveInputs([def], { suite: "weekly" }, "workflow_dispatch").values, { suite: "weekly" });
  const r = resolveInputs([def], { suite: "Weekly" }, "workflow_dispatch");
  assert.deepEqual(r.errors, [
    "input 'suite' is a choice of 'nightly', 'weekly', and 'Weekly' is not one of them (options match exactly); pass --input suite=nightly|weekly",
  ]);
});

test("strings and environments are taken as given", () => {
  const r = resolveInputs([input("s", "string"), input("env", "environment")], { s: " 3.10 ", env: "staging" }, "workflow_dispatch");
  assert.deepEqual(r, { values: { s: " 3.10 ", env: "staging" }, errors: [] });
});

test("a missing required input without a default is an error", () => {
  const defs = [input("target", "string", { required: true }), input("dry", "boolean", { required: true })];
  const r = resolveInputs(defs, {}, "workflow_dispatch");
  assert.deepEqual(r.errors, ["input 'target' is required; pass --input target=VALUE", "input 'dry' is required; pass --input dry=true|false"]);
});

test("defaults apply, typed, also to required inputs", () => {
  const defs = [
    input("with_default", "string", { default: "default" }),
    input("flag", "boolean", { default: true }),
    input("flag_text", "boolean", { default: "false" }),
    input("count", "number", { default: 3 }),
    input("count_text", "number", { default: "2.5" }),
    input("suite", "choice", { options: ["a", "b"], default: "b" }),
    input("python", "string", { default: 3.1 }),
    input("needed", "string", { required: true, default: "x" }),
  ];
  assert.deepEqual(resolveInputs(defs, {}, "workflow_dispatch"), {
    values: { with_default: "default", flag: true, flag_text: false, count: 3, count_text: 2.5, suite: "b", python: "3.1", needed: "x" },
    errors: [],
  });
});

test("a given value wins over the default", () => {
  const r = resolveInputs([input("flag", "boolean", { default: true })], { flag: "false" }, "workflow_dispatch");
  assert.deepEqual(r.values, { flag: false });
});

test("an invalid default is an error pointing at the workflow file", () => {
  const defs = [input("flag", "boolean", { default: "yes" }), input("suite", "choice", { options: ["a"], default: "z" })];
  assert.deepEqual(resolveInputs(defs, {}, "workflow_dispatch").errors, [
    "the default of input 'flag' is invalid: it is a boolean, so it takes true or false, not 'yes'; fix 'default:' in the workflow file",
    "the default of input 'suite' is invalid: it is a choice of 'a', and 'z' is not one of them (options match exactly); fix 'default:' in the workflow file",
  ]);
});

test("optional inputs left unset get GitHub's empty values", () => {
  const defs = [
    input("s", "string"),
    input("b", "boolean"),
    input("n", "number"),
    input("env", "environment"),
    input("c", "choice", { options: ["first", "second"] }),
  ];
  assert.deepEqual(resolveInputs(defs, {}, "workflow_dispatch").values, { s: "", b: false, n: 0, env: "", c: "first" });
});

test("an unknown input is an error listing the defined ones", () => {
  const r = resolveInputs([input("target", "string"), input("debug", "boolean")], { taget: "x" }, "workflow_dispatch");
  assert.deepEqual(r.errors, [
    "input 'taget' is not defined by the workflow (its workflow_dispatch inputs are target, debug); remove it (--input taget=...) or add it under on.workflow_dispatch.inputs",
  ]);
  const none = resolveInputs([], { x: "1" }, "workflow_call");
  assert.match(none.errors[0] ?? "", /this workflow's workflow_call defines no inputs/);
});

test("input names match case-insensitively and keep the defined spelling", () => {
  const r = resolveInputs([input("NAME", "string")], { name: "x" }, "workflow_dispatch");
  assert.deepEqual(r, { values: { NAME: "x" }, errors: [] });
});

test("workflow_call refuses the dispatch-only types", () => {
  const r = resolveInputs([input("c", "choice", { options: ["a"] }), input("e", "environment")], {}, "workflow_call");
  assert.deepEqual(r.errors, [
    "input 'c' has type 'choice', which workflow_call does not support; use string, number or boolean",
    "input 'e' has type 'environment', which workflow_call does not support; use string, number or boolean",
  ]);
});

test("a choice without options is an error", () => {
  const r = resolveInputs([input("c", "choice")], { c: "a" }, "workflow_dispatch");
  assert.deepEqual(r.errors, ["input 'c' is a choice without options; list them under 'options:' in the workflow file"]);
});

test("workflow_call errors also point at the calling job's with:", () => {
  const r = resolveInputs([input("target", "string", { required: true })], { extra: "1" }, "workflow_call");
  assert.deepEqual(r.errors, [
    "input 'extra' is not defined by the workflow (its workflow_call inputs are target); remove it (from --input or the calling job's 'with:') or add it under on.workflow_call.inputs",
    "input 'target' is required; pass --input target=VALUE, or set 'target' under 'with:' of the calling job",
  ]);
});
