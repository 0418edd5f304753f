import { test } from "node:test";
import assert from "node:assert/strict";
import { expandMatrix, jobDisplayName, matrixDisplayName, MAX_MATRIX_COMBINATIONS, strategyContext } from "./matrix.js";

test("the product lists the first key slowest, values in listed order", () => {
  const r = expandMatrix({ os: ["ubuntu", "macos"], node: [18, 20, 22] });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.combinations, [
    { os: "ubuntu", node: 18 },
    { os: "ubuntu", node: 20 },
    { os: "ubuntu", node: 22 },
    { os: "macos", node: 18 },
    { os: "macos", node: 20 },
    { os: "macos", node: 22 },
  ]);
});

test("GitHub's documented fruit/animal include example", () => {
  const r = expandMatrix({
    fruit: ["apple", "pear"],
    animal: ["cat", "dog"],
    include: [
      { color: "green" },
      { color: "pink", animal: "cat" },
      { fruit: "apple", shape: "circle" },
      { fruit: "banana" },
      { fruit: "banana", animal: "cat" },
    ],
  });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.combinations, [
    { fruit: "apple", animal: "cat", color: "pink", shape: "circle" },
    { fruit: "apple", animal: "dog", color: "green", shape: "circle" },
    { fruit: "pear", animal: "cat", color: "pink" },
    { fruit: "pear", animal: "dog", color: "green" },
    { fruit: "banana" },
    { fruit: "banana", animal: "cat" },
  ]);
  // Keys keep the order in which they were first added, even when a later include replaces the value.
  assert.deepEqual(Object.keys(r.combinations[0] ?? {}), ["fruit", "animal", "color", "shape"]);
});

test("an exclude entry removes every combination matching the keys it names", () => {
  const r = expandMatrix({
    os: ["ubuntu", "windows"],
    python: ["3.10", "3.11"],
    arch: ["x64", "arm64"],
    exclude: [{ os: "windows", arch: "arm64" }],
  });
  assert.deepEqual(r.errors, []);
  assert.equal(r.combinations.length, 6);
  assert.ok(!r.combinations.some((c) => c.os === "windows" && c.arch === "arm64"));
});

test("exclude runs before include, so include can add an excluded combination back", () => {
  const r = expandMatrix({
    os: ["macos-latest", "ubuntu-18.04"],
    node: [4, 6],
    exclude: [{ os: "macos-latest", node: 4 }],
    include: [{ os: "macos-latest", node: 4 }],
  });
  assert.deepEqual(r.combinations, [
    { os: "macos-latest", node: 6 },
    { os: "ubuntu-18.04", node: 4 },
    { os: "ubuntu-18.04", node: 6 },
    { os: "macos-latest", node: 4 },
  ]);
});

test("exclude compares as the expression == does: case-insensitive, numbers against strings", () => {
  const r = expandMatrix({ os: ["Ubuntu", "macos"], python: ["3.10", "3.11"], exclude: [{ os: "ubuntu", python: 3.1 }] });
  assert.deepEqual(r.combinations, [
    { os: "Ubuntu", python: "3.11" },
    { os: "macos", python: "3.10" },
    { os: "macos", python: "3.11" },
  ]);
});

test("object-valued entries: exclude matches the keys it lists inside the object", () => {
  const r = expandMatrix({
    shared: [true, false],
    img: [
      { os: "ubuntu", version: 18 },
      { os: "macos", version: 13 },
    ],
    exclude: [{ shared: true, img: { os: "macos" } }],
  });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.combinations, [
    { shared: true, img: { os: "ubuntu", version: 18 } },
    { shared: false, img: { os: "ubuntu", version: 18 } },
    { shared: false, img: { os: "macos", version: 13 } },
  ]);
  assert.equal(matrixDisplayName("build", r.combinations[0] ?? {}), "build (true, ubuntu, 18)");
});

test("an object in exclude naming a key the value lacks matches nothing", () => {
  const r = expandMatrix({ os: [{ name: "ubuntu" }], exclude: [{ os: { name: "ubuntu", foo: "bar" } }] });
  assert.deepEqual(r.combinations, [{ os: { name: "ubuntu" } }]);
});

test("arrays match element by element", () => {
  const r = expandMatrix({
    os: [
      ["ubuntu", "latest"],
      ["ubuntu", "22.04"],
    ],
    exclude: [{ os: ["ubuntu", "22.04"] }, { os: ["ubuntu"] }],
  });
  assert.deepEqual(r.combinations, [{ os: ["ubuntu", "latest"] }]);
});

test("include merges into an object-valued combination it matches", () => {
  const r = expandMatrix({
    os: [{ runner: "ubuntu-latest" }, { runner: "windows-latest" }],
    include: [{ os: { runner: "ubuntu-latest" }, gui: "gnome" }],
  });
  assert.deepEqual(r.combinations, [{ os: { runner: "ubuntu-latest" }, gui: "gnome" }, { os: { runner: "windows-latest" } }]);
});

test("an include-only matrix gives one combination per entry", () => {
  const r = expandMatrix({ include: [{ project: "api", dir: "api" }, { project: "web" }] });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.combinations, [{ project: "api", dir: "api" }, { project: "web" }]);
});

test("an include that would overwrite an original value in every combination becomes a new one", () => {
  const r = expandMatrix({ python: ["3.10", "3.11"], include: [{ python: "3.13", experimental: true }] });
  assert.deepEqual(r.combinations, [{ python: "3.10" }, { python: "3.11" }, { python: "3.13", experimental: true }]);
});

test("an include matching some combinations adds its values only to those", () => {
  const r = expandMatrix({ python: ["3.10", "3.11", "3.12"], include: [{ python: "3.11", coverage: true }] });
  assert.deepEqual(r.combinations, [{ python: "3.10" }, { python: "3.11", coverage: true }, { python: "3.12" }]);
});

test("the input matrix is not modified", () => {
  const matrix = { a: [1], include: [{ b: 2 }] };
  expandMatrix(matrix);
  assert.deepEqual(matrix, { a: [1], include: [{ b: 2 }] });
});

test("a matrix value that is not a list is an error naming the key", () => {
  const r = expandMatrix({ python: "3.11" });
  assert.deepEqual(r.combinations, []);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0] ?? "", /matrix 'python' must be a list of values, but it is the string "3.11"; write python: \[value, \.\.\.\]/);
});

test("an empty vector is GitHub's error", () => {
  const r = expandMatrix({ os: ["ubuntu"], shard: [] });
  assert.deepEqual(r.combinations, []);
  assert.match(r.errors[0] ?? "", /^Matrix vector 'shard' does not contain any values/);
});

test("an exclude key that is not a matrix key is an error", () => {
  const r = expandMatrix({ os: ["ubuntu"], exclude: [{ "operating-system": "ubuntu" }] });
  assert.match(r.errors[0] ?? "", /names 'operating-system', which is not a key of the matrix \(keys: 'os'\)/);
});

test("malformed include and exclude lists are errors", () => {
  assert.match(expandMatrix({ os: ["a"], include: { os: "b" } }).errors[0] ?? "", /matrix 'include' must be a list of mappings/);
  assert.match(expandMatrix({ os: ["a"], include: ["b"] }).errors[0] ?? "", /matrix 'include' entry 1 must be a mapping/);
  assert.match(expandMatrix({ os: ["a"], exclude: [{}] }).errors[0] ?? "", /matrix 'exclude' entry 1 is empty/);
});

test("a matrix with nothing in it is an error", () => {
  assert.match(expandMatrix({}).errors[0] ?? "", /the matrix defines no values/);
});

test("excluding every combination is an error", () => {
  const r = expandMatrix({ os: ["ubuntu"], exclude: [{ os: "ubuntu" }] });
  assert.deepEqual(r.combinations, []);
  assert.match(r.errors[0] ?? "", /exclude removes every combination/);
});

test("more than 256 combinations is an error; exactly 256 is allowed", () => {
  const values = (n: number) => Array.from({ length: n }, (_, i) => i);
  assert.equal(expandMatrix({ a: values(16), b: values(16) }).combinations.length, MAX_MATRIX_COMBINATIONS);
  const over = expandMatrix({ a: values(16), b: values(17) });
  assert.deepEqual(over.combinations, []);
  assert.match(over.errors[0] ?? "", /more than 256 jobs/);
  const overByInclude = expandMatrix({ a: values(16), b: values(16), include: [{ a: 99 }] });
  assert.match(overByInclude.errors[0] ?? "", /more than 256 jobs/);
  // A product far too large to enumerate still answers at once.
  const huge = expandMatrix({ a: values(100), b: values(100), c: values(100), d: values(100), e: values(100) });
  assert.match(huge.errors[0] ?? "", /more than 256 jobs/);
});

test("exclusions can bring a large product under the limit", () => {
  const values = (n: number) => Array.from({ length: n }, (_, i) => i);
  const r = expandMatrix({ a: values(2), b: values(200), exclude: [{ a: 1 }] });
  assert.deepEqual(r.errors, []);
  assert.equal(r.combinations.length, 200);
});

test("display names as GitHub writes them", () => {
  assert.equal(matrixDisplayName("unit-tests", { python: "3.11" }), "unit-tests (3.11)");
  assert.equal(matrixDisplayName("test", { os: "ubuntu-latest", python: "3.10" }), "test (ubuntu-latest, 3.10)");
  // An unquoted 3.10 in YAML is the number 3.1, and GitHub shows it that way.
  assert.equal(matrixDisplayName("test", { python: 3.1 }), "test (3.1)");
  assert.equal(matrixDisplayName("test", { os: "ubuntu", experimental: true, extra: null, empty: "" }), "test (ubuntu, true)");
  assert.equal(matrixDisplayName("test", {}), "test");
  assert.equal(matrixDisplayName("test", { tags: ["a", "b"] }), "test (a, b)");
});

test("display names over 100 characters are cut", () => {
  const name = matrixDisplayName("build", { long: "x".repeat(200) });
  assert.equal(name.length, 100);
  assert.ok(name.startsWith("build (xxx"));
  assert.ok(name.endsWith("..."));
});

test("display names with include-added values list them after the original ones", () => {
  const r = expandMatrix({ python: ["3.11"], include: [{ python: "3.11", coverage: true }] });
  assert.equal(matrixDisplayName("unit-tests", r.combinations[0] ?? {}), "unit-tests (3.11, true)");
});

test("jobDisplayName: id or literal name get the matrix suffix; an expression name is left to the caller", () => {
  assert.equal(jobDisplayName("unit-tests", undefined, { python: "3.11" }), "unit-tests (3.11)");
  assert.equal(jobDisplayName("unit-tests", "Unit tests", { python: "3.11" }), "Unit tests (3.11)");
  assert.equal(jobDisplayName("unit-tests", "", { python: "3.11" }), "unit-tests (3.11)");
  assert.equal(jobDisplayName("unit-tests", "Py ${{ matrix.python }}", { python: "3.11" }), "Py ${{ matrix.python }}");
  assert.equal(jobDisplayName("lint", undefined), "lint");
  assert.equal(jobDisplayName("lint", "Lint"), "Lint");
});

test("strategy context", () => {
  assert.deepEqual(strategyContext(0, 3, true), { "fail-fast": true, "job-index": 0, "job-total": 3, "max-parallel": 3 });
  assert.deepEqual(strategyContext(2, 3, false, 2), { "fail-fast": false, "job-index": 2, "job-total": 3, "max-parallel": 2 });
  assert.equal(strategyContext(0, 4, true, 0)["max-parallel"], 4);
});
