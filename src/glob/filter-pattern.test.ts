import { test } from "node:test";
import assert from "node:assert/strict";
import { FilterPatternError, compileFilter, filterPatternProblem, matchesFilters, matchesIncludeIgnore, matchesPathFilters } from "./filter-pattern.js";

// [pattern, values that match, values that do not]; mostly GitHub's cheat-sheet examples.
const TABLE: [string, string[], string[]][] = [
  ["feature/*", ["feature/my-branch", "feature/your-branch"], ["feature/a/b", "feature", "my/feature/x"]],
  ["feature/**", ["feature/beta-a/my-branch", "feature/your-branch", "feature/mona/the/octocat"], ["feature", "features/x"]],
  ["main", ["main"], ["main2", "xmain", "mainline"]],
  ["releases/mona-the-octocat", ["releases/mona-the-octocat"], ["releases/mona"]],
  ["*", ["main", "releases", "README.md", "server.rb"], ["releases/1", "docs/a.md"]],
  ["**", ["all_the/branches", "every/tag", "main", "a/b/c/d.txt"], []],
  ["*feature", ["mona-feature", "feature", "ver-10-feature"], ["feature-x", "a/feature"]],
  ["v2*", ["v2", "v2.0", "v2.9"], ["v1", "v3.0", "v2/x"]],
  ["v[12].[0-9]+.[0-9]+", ["v1.10.1", "v2.0.0"], ["v3.0.0", "v1.x.1", "v1.10", "v1.1.1-rc"]],
  ["Octo*", ["Octocat", "Octo"], ["octocat"]],
  ["Octoc?at", ["Octocat", "Octoat"], ["Octoccat", "Octoxat"]],
  ["[CB]at", ["Cat", "Bat"], ["Hat", "CBat", "at"]],
  ["[1-2]00", ["100", "200"], ["300", "00"]],
  ["ab+c", ["abc", "abbbc"], ["ac", "ab+c"]],
  ["*.jsx?", ["page.js", "page.jsx"], ["page.jsxx", "src/page.js"]],
  ["*.js", ["app.js", "index.js"], ["js/index.js", "app.jsx"]],
  ["**.js", ["index.js", "js/index.js", "src/js/app.js"], ["index.jsx"]],
  ["docs/*", ["docs/README.md", "docs/file.txt"], ["docs/mona/octocat.txt", "docs"]],
  ["docs/**", ["docs/README.md", "docs/mona/octocat.txt"], ["doc/README.md", "a/docs/x"]],
  ["docs/**/*.md", ["docs/README.md", "docs/mona/hello-world.md", "docs/a/markdown/file.md"], ["docs/a.txt", "README.md"]],
  ["**/docs/**", ["docs/hello.md", "dir/docs/my-file.txt", "space/docs/plan/space.doc"], ["mydocs/x", "docs"]],
  ["**/README.md", ["README.md", "js/README.md"], ["README.mdx", "xREADME.md"]],
  ["**/*src/**", ["a/src/app.js", "my-src/code/js/app.js"], ["src", "a/srcx/app.js"]],
  ["**/*-post.md", ["my-post.md", "path/their-post.md"], ["post.md"]],
  ["**/migrate-*.sql", ["migrate-10909.sql", "db/migrate-v1.0.sql", "db/sept/migrate-v1.sql"], ["migrate.sql"]],
  ["*.md", ["hello.md", "README.md"], ["docs/hello.md"]],
  ["release\\+1", ["release+1"], ["release1", "releasee1"]],
  ["a\\*b", ["a*b"], ["axb", "ab"]],
  ["a.b", ["a.b"], ["axb"]],
  ["(x)|y", ["(x)|y"], ["x", "y"]],
  ["feat!x", ["feat!x"], ["featx"]],
];

test("cheat-sheet patterns match as GitHub documents", () => {
  for (const [pattern, yes, no] of TABLE) {
    for (const value of yes) assert.ok(matchesFilters(value, [pattern]), `${pattern} should match ${value}`);
    for (const value of no) assert.ok(!matchesFilters(value, [pattern]), `${pattern} should not match ${value}`);
  }
});

test("a leading ! negates and the last matching pattern wins", () => {
  const patterns = ["*.md", "!README.md"];
  assert.ok(matchesFilters("hello.md", patterns));
  assert.ok(!matchesFilters("README.md", patterns));
  assert.ok(!matchesFilters("docs/hello.md", patterns));
  const reincluded = ["*.md", "!README.md", "README*"];
  for (const f of ["hello.md", "README.md", "README.doc"]) assert.ok(matchesFilters(f, reincluded), f);
  assert.ok(!matchesFilters("main", ["!main"]), "a lone negation selects nothing");
  assert.ok(!matchesFilters("x", []));
});

test("compiled patterns are cached and keep the pattern text", () => {
  const a = compileFilter("!docs/**");
  assert.equal(a, compileFilter("!docs/**"));
  assert.equal(a.negated, true);
  assert.equal(a.pattern, "!docs/**");
  assert.ok(a.regex.test("docs/x/y.md"));
});

test("malformed patterns are reported, not thrown as SyntaxError", () => {
  for (const bad of ["+abc", "a*+", "a??", "[abc", "[]", "[z-a]", "abc\\", "", "!"]) {
    assert.throws(() => compileFilter(bad), FilterPatternError, bad);
    assert.equal(typeof filterPatternProblem(bad), "string", bad);
  }
  assert.equal(filterPatternProblem("v[12].[0-9]+"), undefined);
  assert.match(String(filterPatternProblem("+x")), /escape it as '\\\+'/);
});

test("branches/branches-ignore pairs", () => {
  assert.deepEqual(matchesIncludeIgnore("main", ["main"], undefined), { included: true, decidedBy: "include", pattern: "main" });
  assert.equal(matchesIncludeIgnore("dev", ["main"], undefined).included, false);
  assert.deepEqual(matchesIncludeIgnore("feature/x", undefined, ["feature/**"]), {
    included: false,
    decidedBy: "ignore",
    pattern: "feature/**",
  });
  assert.equal(matchesIncludeIgnore("feature/keep", undefined, ["feature/**", "!feature/keep"]).included, true);
  assert.equal(matchesIncludeIgnore("main", undefined, ["feature/**"]).included, true);
  assert.deepEqual(matchesIncludeIgnore("anything", undefined, undefined), { included: true, decidedBy: "none" });
  const neg = matchesIncludeIgnore("releases/beta", ["releases/**", "!releases/**-alpha", "!releases/beta"], undefined);
  assert.equal(neg.included, false);
  assert.equal(neg.pattern, "!releases/beta");
  // Both lists are invalid on GitHub; when they arrive anyway the value must pass both.
  assert.equal(matchesIncludeIgnore("feature/x", ["**"], ["feature/**"]).included, false);
  assert.equal(matchesIncludeIgnore("main", ["**"], ["feature/**"]).included, true);
});

test("paths fires when one file is selected; paths-ignore holds back only when all are ignored", () => {
  assert.deepEqual(matchesPathFilters(["README.md", "src/a.ts"], ["src/**"], undefined), { fired: true, file: "src/a.ts" });
  assert.deepEqual(matchesPathFilters(["README.md"], ["src/**"], undefined), { fired: false });
  assert.deepEqual(matchesPathFilters(["docs/a.md", "docs/b.md"], undefined, ["docs/**"]), { fired: false });
  assert.deepEqual(matchesPathFilters(["docs/a.md", "src/b.ts"], undefined, ["docs/**"]), { fired: true, file: "src/b.ts" });
  assert.deepEqual(matchesPathFilters(["sub/x.md"], ["**", "!**.md"], undefined), { fired: false });
  assert.deepEqual(matchesPathFilters(["docs/keep.md"], undefined, ["docs/**", "!docs/keep.md"]), { fired: true, file: "docs/keep.md" });
  assert.deepEqual(matchesPathFilters([], ["src/**"], undefined), { fired: false });
  assert.deepEqual(matchesPathFilters([], undefined, ["docs/**"]), { fired: true });
  assert.deepEqual(matchesPathFilters(["a"], undefined, undefined), { fired: true });
  assert.deepEqual(matchesPathFilters(["src/gen/x.ts", "src/y.ts"], ["src/**"], ["src/gen/**"]), { fired: true, file: "src/y.ts" });
});
