import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import {
  buildPath,
  createStepEnvFiles,
  ENV_FILE_NAMES,
  envFileBlockedMessage,
  FILE_COMMAND_LABELS,
  mergePrependPath,
  parseEnvFile,
  parsePathFile,
  STEP_SUMMARY_SIZE_LIMIT,
  stepSummarySizeError,
} from "./env-files.js";

test("NAME=value lines; the value may be empty or contain '='", () => {
  const r = parseEnvFile("KEY=value\nEMPTY=\nKEY2=value=anothervalue\n", "env");
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.values, [
    ["KEY", "value"],
    ["EMPTY", ""],
    ["KEY2", "value=anothervalue"],
  ]);
});

test("GitHub's documented multiline example with an EOF delimiter", () => {
  const text = ["JSON_RESPONSE<<EOF", '{"a": 1,', ' "b": 2}', "EOF", ""].join("\n");
  const r = parseEnvFile(text, "env");
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.values, [["JSON_RESPONSE", '{"a": 1,\n "b": 2}']]);
});

test("heredoc with a generated delimiter, empty value, and blank lines inside the value", () => {
  const d = "ghadelimiter_b8273c6d-d535-419a-a010-b0aaac240e36";
  const r = parseEnvFile(`KEY3<<${d}\nvalue3\n${d}\nE<<X\nX\nB<<X\n\nmid\n\nX`, "output");
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.values, [
    ["KEY3", "value3"],
    ["E", ""],
    ["B", "\nmid\n"],
  ]);
});

test("heredoc content is not parsed: a NAME=value line inside belongs to the value (act's parser bug case)", () => {
  const r = parseEnvFile("test<<World\nx=Thats really Weird\nWorld\n", "env");
  assert.deepEqual(r.values, [["test", "x=Thats really Weird"]]);
});

test("whichever of '=' and '<<' comes first decides the form", () => {
  const r = parseEnvFile("A=b<<c\nD<<E=F\nline\nE=F\n", "env");
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.values, [
    ["A", "b<<c"],
    ["D", "line"],
  ]);
});

test("the delimiter line must match exactly", () => {
  const r = parseEnvFile("K<<EOF\nv\n EOF\nEOF \nEOF\n", "env");
  assert.deepEqual(r.values, [["K", "v\n EOF\nEOF "]]);
});

test("a missing closing delimiter fails with GitHub's message, keeping earlier pairs", () => {
  const r = parseEnvFile("A=1\nK<<EOF\nvalue\n", "output");
  assert.deepEqual(r.values, [["A", "1"]]);
  assert.deepEqual(r.errors, ["Unable to process file command 'output' successfully.", "Invalid value. Matching delimiter not found 'EOF'"]);
  assert.deepEqual(parseEnvFile("K<<EOF\n", "env").errors[1], "Invalid value. Matching delimiter not found 'EOF'");
});

test("a heredoc whose last content line has no newline reports the missing EOF marker", () => {
  assert.equal(parseEnvFile("K<<EOF\nvalue", "env").errors[1], "Invalid value. EOF marker missing new line.");
});

test("invalid lines", () => {
  assert.deepEqual(parseEnvFile("A=1\njust text\nB=2\n", "env"), {
    values: [["A", "1"]],
    errors: ["Unable to process file command 'env' successfully.", "Invalid format 'just text'"],
  });
  assert.equal(parseEnvFile("<<EOF\nx\nEOF\n", "env").errors[1], "Invalid format '<<EOF'. Name must not be empty and delimiter must not be empty");
  assert.equal(parseEnvFile("NAME<<\n", "env").errors[1], "Invalid format 'NAME<<'. Name must not be empty and delimiter must not be empty");
  // Only empty lines are skipped; a line of spaces is invalid.
  assert.equal(parseEnvFile("A=1\n  \n", "env").errors[1], "Invalid format '  '");
});

test("an empty name in NAME=value is accepted, as in the runner", () => {
  assert.deepEqual(parseEnvFile("=value\n", "env"), { values: [["", "value"]], errors: [] });
});

test("empty lines and a missing final newline", () => {
  assert.deepEqual(parseEnvFile("\n\nA=1\n\n\nB=2", "env").values, [
    ["A", "1"],
    ["B", "2"],
  ]);
  assert.deepEqual(parseEnvFile("", "env"), { values: [], errors: [] });
});

test("CRLF: the '\\r' stays in values and a delimiter line 'EOF\\r' does not close 'EOF'", () => {
  assert.deepEqual(parseEnvFile("A=1\r\nB=2\r\n", "env").values, [
    ["A", "1\r"],
    ["B", "2\r"],
  ]);
  // The delimiter itself is read as "EOF\r", so the CRLF heredoc still closes.
  assert.deepEqual(parseEnvFile("K<<EOF\r\nv\r\nEOF\r\n", "env").values, [["K", "v\r"]]);
  assert.equal(parseEnvFile("K<<EOF\nv\r\nEOF\r\n", "env").errors[1], "Invalid value. Matching delimiter not found 'EOF'");
  // A lone "\r" line is not empty.
  assert.equal(parseEnvFile("A=1\n\r\n", "env").errors[1], "Invalid format '\r'");
});

test("a UTF-8 byte order mark is ignored", () => {
  assert.deepEqual(parseEnvFile("\ufeffA=1\n", "env").values, [["A", "1"]]);
  assert.deepEqual(parsePathFile("\ufeff/opt/bin\n"), ["/opt/bin"]);
});

test("later assignments come later", () => {
  const pairs = parseEnvFile("K=1\nK=2\n", "state").values;
  assert.equal(new Map(pairs).get("K"), "2");
});

test("NODE_OPTIONS cannot be set through GITHUB_ENV, whatever its case", () => {
  assert.equal(envFileBlockedMessage("NODE_OPTIONS"), "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
  assert.equal(envFileBlockedMessage("node_options"), "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
  assert.equal(envFileBlockedMessage("NODE_ENV"), undefined);
  assert.equal(envFileBlockedMessage("GITHUB_SHA"), undefined);
});

test("GITHUB_PATH: every line ending ends a line, empty lines are skipped", () => {
  assert.deepEqual(parsePathFile("/a\n\n/b\r\n/c\r/d"), ["/a", "/b", "/c", "/d"]);
  assert.deepEqual(parsePathFile("  \n"), ["  "]);
  assert.deepEqual(parsePathFile(""), []);
});

test("PATH: the last directory added comes first, a re-added one moves to the front", () => {
  let list = mergePrependPath([], parsePathFile("/home/runner/someFolder\n"));
  list = mergePrependPath(list, parsePathFile("/home/runner/someOtherFolder\n"));
  assert.equal(buildPath(list, "/usr/bin:/bin", ":"), "/home/runner/someOtherFolder:/home/runner/someFolder:/usr/bin:/bin");
  list = mergePrependPath(list, ["/home/runner/someFolder", "/x", "/x"]);
  assert.deepEqual(list, ["/home/runner/someOtherFolder", "/home/runner/someFolder", "/x"]);
  assert.equal(buildPath(list, "/usr/bin", ":"), "/x:/home/runner/someFolder:/home/runner/someOtherFolder:/usr/bin");
});

test("buildPath adds no trailing separator and does not prepend twice", () => {
  assert.equal(buildPath(["/a"], "", ":"), "/a");
  assert.equal(buildPath([], "/usr/bin", ":"), "/usr/bin");
  assert.equal(buildPath(["/b", "/a"], "/a:/b:/usr/bin", ":"), "/a:/b:/usr/bin");
  assert.equal(buildPath(["/a"], "/a", ":"), "/a:/a");
});

test("step summary size limit", () => {
  assert.equal(stepSummarySizeError(0), undefined);
  assert.equal(stepSummarySizeError(STEP_SUMMARY_SIZE_LIMIT), undefined);
  assert.match(
    stepSummarySizeError(STEP_SUMMARY_SIZE_LIMIT + 5000) ?? "",
    /^\$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got 1028k\./,
  );
});

test("createStepEnvFiles makes five new empty files with GitHub's prefixes and one suffix", async () => {
  const root = await mkdtemp(join(tmpdir(), "tierci-envfiles-"));
  try {
    const dir = join(root, "_runner_file_commands");
    const first = createStepEnvFiles(dir);
    const second = createStepEnvFiles(dir);
    assert.deepEqual(Object.keys(first).sort(), [...ENV_FILE_NAMES].sort());
    for (const name of ENV_FILE_NAMES) {
      assert.equal(dirname(first[name]), dir);
      assert.equal(await readFile(first[name], "utf8"), "");
      assert.notEqual(first[name], second[name]);
      assert.ok((await stat(second[name])).isFile());
    }
    assert.match(basename(first.GITHUB_OUTPUT), /^set_output_[0-9a-f-]{36}$/);
    assert.match(basename(first.GITHUB_ENV), /^set_env_/);
    assert.match(basename(first.GITHUB_PATH), /^add_path_/);
    assert.match(basename(first.GITHUB_STATE), /^save_state_/);
    assert.match(basename(first.GITHUB_STEP_SUMMARY), /^step_summary_/);
    const suffixes = new Set(ENV_FILE_NAMES.map((n) => basename(first[n]).slice(-36)));
    assert.equal(suffixes.size, 1);
    assert.equal(FILE_COMMAND_LABELS.GITHUB_ENV, "env");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
