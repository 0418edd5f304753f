import { test } from "node:test";
import assert from "node:assert/strict";
import { allowsUnsecureCommands, allowsUnsecureStopTokens, CommandProcessor, type CommandProcessorOptions, type LineAction } from "./workflow-commands.js";

function processor(options: Partial<CommandProcessorOptions> = {}): CommandProcessor {
  return new CommandProcessor({ allowUnsecure: false, debug: false, ...options });
}

function run(lines: string[], options: Partial<CommandProcessorOptions> = {}): LineAction[] {
  const p = processor(options);
  return lines.flatMap((line) => p.processLine(line));
}

const out = (text: string): LineAction => ({ kind: "output", text });
const withoutDebug = (actions: LineAction[]): LineAction[] => actions.filter((a) => a.kind !== "debug");

test("ordinary lines are output unchanged", () => {
  assert.deepEqual(run(["hello", "", "a :: b", "::", "::::", "::foo::bar", "foo ::error::x"]), [
    out("hello"),
    out(""),
    out("a :: b"),
    out("::"),
    out("::::"),
    out("::foo::bar"),
    out("foo ::error::x"),
  ]);
});

test("GitHub's documented error example", () => {
  assert.deepEqual(run(["::error file=app.js,line=1,col=5,endColumn=7::Missing semicolon"]), [
    { kind: "annotation", level: "error", message: "Missing semicolon", file: "app.js", line: 1, col: 5, endColumn: 7 },
  ]);
});

test("warning, notice with title and endLine; debug", () => {
  assert.deepEqual(run(["::warning file=app.js,line=1,col=5,endColumn=7,title=YOUR-TITLE::Missing semicolon"]), [
    { kind: "annotation", level: "warning", message: "Missing semicolon", file: "app.js", line: 1, col: 5, endColumn: 7, title: "YOUR-TITLE" },
  ]);
  assert.deepEqual(run(["::notice file=app.js,line=1,endLine=3,title=T::Note"]), [
    { kind: "annotation", level: "notice", message: "Note", file: "app.js", line: 1, endLine: 3, title: "T" },
  ]);
  assert.deepEqual(run(["::debug::Set the Octocat variable"]), [{ kind: "debug", message: "Set the Octocat variable" }]);
  assert.deepEqual(run(["::error::"]), [{ kind: "annotation", level: "error", message: "" }]);
});

test("command names and property names ignore case; leading whitespace is allowed", () => {
  assert.deepEqual(run(["  \t::ERROR FILE=a.js,LINE=2::boom"]), [{ kind: "annotation", level: "error", message: "boom", file: "a.js", line: 2 }]);
  assert.deepEqual(run(["\u00a0::notice::x"]), [{ kind: "annotation", level: "notice", message: "x" }]);
});

test("message escapes: %25 %0D %0A; property escapes also %3A %2C", () => {
  assert.deepEqual(run(["::warning title=a%3Ab%2Cc%0A%25::line 1%0Aline 2%0D%0A100%25 %3A %2C"]), [
    { kind: "annotation", level: "warning", message: "line 1\nline 2\r\n100% %3A %2C", title: "a:b,c\n%" },
  ]);
  // "%25" is unescaped last, so "%250A" is a literal "%0A".
  assert.deepEqual(run(["::debug::%250A"]), [{ kind: "debug", message: "%0A" }]);
});

test("property parsing: empty values and pieces are ignored, the value keeps later '='", () => {
  assert.deepEqual(run(["::error file=,line=3,,=x,col==4,title=a=b::m"]), [
    { kind: "annotation", level: "error", message: "m", line: 3, col: 4, title: "a=b" },
  ]);
  assert.deepEqual(run(["::error   file=x.js  ::m"]), [{ kind: "annotation", level: "error", message: "m", file: "x.js" }]);
  assert.deepEqual(run(["::error line=abc::m"]), [{ kind: "annotation", level: "error", message: "m" }]);
  assert.deepEqual(run(["::error line= 7 ::m"]), [{ kind: "annotation", level: "error", message: "m", line: 7 }]);
});

test("the first '::' after the name ends the properties; the rest is the message", () => {
  assert.deepEqual(run(["::error title=x::a::b"]), [{ kind: "annotation", level: "error", message: "a::b", title: "x" }]);
});

test("line and column repairs, as GitHub's runner does them", () => {
  const annotation = (line: string): LineAction | undefined => withoutDebug(run([line]))[0];
  assert.deepEqual(annotation("::warning line=1,endLine=2,col=1,endColumn=2::w"), {
    kind: "annotation",
    level: "warning",
    message: "w",
    line: 1,
    endLine: 2,
  });
  assert.deepEqual(annotation("::warning col=1,endColumn=2::w"), { kind: "annotation", level: "warning", message: "w" });
  assert.deepEqual(annotation("::warning endLine=1::w"), { kind: "annotation", level: "warning", message: "w", line: 1, endLine: 1 });
  assert.deepEqual(annotation("::warning line=1,endColumn=2::w"), { kind: "annotation", level: "warning", message: "w", line: 1, col: 2, endColumn: 2 });
  assert.deepEqual(annotation("::warning line=,endLine=3::w"), { kind: "annotation", level: "warning", message: "w", line: 3, endLine: 3 });
  assert.deepEqual(annotation("::warning line=4,endLine=3::w"), { kind: "annotation", level: "warning", message: "w" });
  assert.deepEqual(annotation("::warning line=1,endLine=1,col=3,endColumn=2::w"), {
    kind: "annotation",
    level: "warning",
    message: "w",
    line: 1,
    endLine: 1,
  });
  assert.deepEqual(annotation("::warning line=1,endLine=1,col=1,endColumn=2::w"), {
    kind: "annotation",
    level: "warning",
    message: "w",
    line: 1,
    endLine: 1,
    col: 1,
    endColumn: 2,
  });
  const debug = run(["::warning line=4,endLine=3::w"]).find((a) => a.kind === "debug");
  assert.deepEqual(debug, { kind: "debug", message: "Invalid warning command value. 'endLine' cannot be less than 'line'." });
});

test("annotation files under the workspace become relative", () => {
  const options = { workspace: "/home/runner/work/repo/repo" };
  const file = (line: string): string | undefined => {
    const a = run([line], options)[0];
    return a?.kind === "annotation" ? a.file : undefined;
  };
  assert.equal(file("::error file=/home/runner/work/repo/repo/src/app.js::m"), "src/app.js");
  assert.equal(file("::error file=/home/runner/work/repo/repo-other/app.js::m"), "/home/runner/work/repo/repo-other/app.js");
  assert.equal(file("::error file=/home/runner/work/repo/repo::m"), "/home/runner/work/repo/repo");
  assert.equal(file("::error file=src/app.js::m"), "src/app.js");
});

test("group and endgroup", () => {
  assert.deepEqual(run(["::group::My title", "Inside group", "::endgroup::"]), [
    { kind: "group-start", title: "My title" },
    out("Inside group"),
    { kind: "group-end" },
  ]);
});

test("legacy ##[command] form: anywhere in the line, ';' between properties, its own escapes", () => {
  assert.deepEqual(run(["##[error]msg"]), [{ kind: "annotation", level: "error", message: "msg" }]);
  assert.deepEqual(run(["prefix ##[warning file=a.js;line=3]careful%5D%3B"]), [
    { kind: "annotation", level: "warning", message: "careful];", file: "a.js", line: 3 },
  ]);
  assert.deepEqual(run(["##[set-output name=x;]value"]), [
    { kind: "annotation", level: "warning", message: deprecation("set-output") },
    { kind: "set-output", name: "x", value: "value" },
  ]);
  assert.deepEqual(run(["##[group]Title", "##[endgroup]", "##[debug]d"]), [
    { kind: "group-start", title: "Title" },
    { kind: "group-end" },
    { kind: "debug", message: "d" },
  ]);
  assert.deepEqual(run(["##[section]Starting", "##[unknown]x", "##[error"]), [out("##[section]Starting"), out("##[unknown]x"), out("##[error")]);
});

function deprecation(command: string): string {
  return `The \`${command}\` command is deprecated and will be disabled soon. Please upgrade to using Environment Files. For more information see: https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/`;
}

test("add-mask: the value to register, no echo; empty values warn", () => {
  assert.deepEqual(run(["::add-mask::secret value"]), [{ kind: "mask", value: "secret value" }]);
  assert.deepEqual(run(["::add-mask::line1%0Aline2"]), [{ kind: "mask", value: "line1\nline2" }]);
  assert.deepEqual(run(["::add-mask::  "]), [
    { kind: "annotation", level: "warning", message: "Can't add secret mask for empty string in ##[add-mask] command." },
  ]);
});

test("set-output and save-state still work, with GitHub's deprecation warning", () => {
  assert.deepEqual(run(["::set-output name=zoo::zar", "::save-state name=pid::42"]), [
    { kind: "annotation", level: "warning", message: deprecation("set-output") },
    { kind: "set-output", name: "zoo", value: "zar" },
    { kind: "annotation", level: "warning", message: deprecation("save-state") },
    { kind: "save-state", name: "pid", value: "42" },
  ]);
  assert.deepEqual(run(["::set-output name=empty::"]).at(-1), { kind: "set-output", name: "empty", value: "" });
});

test("a command without its required name fails the step", () => {
  assert.deepEqual(run(["::set-output::v"]), [
    { kind: "annotation", level: "warning", message: deprecation("set-output") },
    { kind: "command-error", message: "Unable to process command '::set-output::v' successfully." },
    { kind: "command-error", message: "Required field 'name' is missing in ##[set-output] command." },
  ]);
});

test("set-env and add-path are refused unless unsecure commands are allowed", () => {
  const disabled = (command: string): string =>
    `The \`${command}\` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the \`ACTIONS_ALLOW_UNSECURE_COMMANDS\` environment variable to \`true\`. For more information see: https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/`;
  assert.deepEqual(run(["::set-env name=foo::bar", "::add-path::/zip"]), [
    { kind: "command-error", message: "Unable to process command '::set-env name=foo::bar' successfully." },
    { kind: "command-error", message: disabled("set-env") },
    { kind: "command-error", message: "Unable to process command '::add-path::/zip' successfully." },
    { kind: "command-error", message: disabled("add-path") },
  ]);
  assert.deepEqual(run(["::set-env name=foo::bar", "::add-path::/zip"], { allowUnsecure: true }), [
    { kind: "set-env", name: "foo", value: "bar" },
    { kind: "add-path", path: "/zip" },
  ]);
});

test("set-env refuses NODE_OPTIONS with an error annotation but does not fail", () => {
  assert.deepEqual(run(["::set-env name=node_options::--inspect"], { allowUnsecure: true }), [
    { kind: "annotation", level: "error", message: "Can't update NODE_OPTIONS environment variable using ::set-env:: command." },
  ]);
  assert.equal(run(["::set-env::x"], { allowUnsecure: true }).at(-1)?.kind, "command-error");
  assert.deepEqual(run(["::add-path::"], { allowUnsecure: true }).at(-1), { kind: "command-error", message: "Value cannot be null. (Parameter 'path')" });
});

test("the unsecure switches parse like the runner", () => {
  assert.equal(allowsUnsecureCommands("true"), true);
  assert.equal(allowsUnsecureCommands(" TRUE "), true);
  assert.equal(allowsUnsecureCommands("1"), false);
  assert.equal(allowsUnsecureCommands(undefined, "True"), true);
  assert.equal(allowsUnsecureCommands(), false);
  assert.equal(allowsUnsecureStopTokens("1"), true);
  assert.equal(allowsUnsecureStopTokens("$TRUE"), true);
  assert.equal(allowsUnsecureStopTokens("yes"), false);
});

test("stop-commands with a token: nothing is interpreted until ::token::", () => {
  const actions = run(["::stop-commands::my-end-token", "::set-env name=foo::baz", "::warning::not a warning", "::my-end-token::", "::warning::a warning"]);
  assert.deepEqual(withoutDebug(actions), [
    { kind: "mask", value: "my-end-token" },
    out("::stop-commands::my-end-token"),
    out("::set-env name=foo::baz"),
    out("::warning::not a warning"),
    out("::my-end-token::"),
    { kind: "annotation", level: "warning", message: "a warning" },
  ]);
  assert.ok(actions.some((a) => a.kind === "debug" && a.message === "Resume processing commands"));
});

test("a short stop token is not masked; the token ignores case and resumes in the legacy form too", () => {
  assert.deepEqual(withoutDebug(run(["::stop-commands::tok", "::error::x", "##[TOK]", "::error::y"])), [
    out("::stop-commands::tok"),
    out("::error::x"),
    out("##[TOK]"),
    { kind: "annotation", level: "error", message: "y" },
  ]);
});

test("GitHub refuses 'pause-logging', empty and command names as stop tokens", () => {
  for (const token of ["pause-logging", "PAUSE-LOGGING", "", "set-env", "stop-commands", "Error"]) {
    const actions = run([`::stop-commands::${token}`, "::error::still processed"]);
    assert.equal(actions[0]?.kind, "command-error", token);
    assert.match(
      actions[0]?.kind === "command-error" ? actions[0].message : "",
      /^You cannot use a endToken that is an empty string, the string 'pause-logging'/,
    );
    assert.deepEqual(actions[1], { kind: "annotation", level: "error", message: "still processed" });
  }
});

test("the documented pause-logging example works once invalid tokens are allowed", () => {
  const actions = withoutDebug(
    run(["::stop-commands::pause-logging", "::warning:: This is a warning", "::pause-logging::", "::warning:: This is a warning"], {
      allowUnsecureStopTokens: true,
    }),
  );
  assert.deepEqual(actions, [
    { kind: "mask", value: "pause-logging" },
    out("::stop-commands::pause-logging"),
    out("::warning:: This is a warning"),
    out("::pause-logging::"),
    { kind: "annotation", level: "warning", message: " This is a warning" },
  ]);
  // An allowed empty token never resumes.
  const p = processor({ allowUnsecureStopTokens: true });
  p.processLine("::stop-commands::");
  assert.deepEqual(withoutDebug(p.processLine("::::")), [out("::::")]);
  assert.equal(p.stopToken, "");
});

test("the stop state carries over to the next step's processor", () => {
  const first = processor();
  first.processLine("::stop-commands::abcdefgh");
  assert.equal(first.stopToken, "abcdefgh");
  const second = processor({ stopToken: first.stopToken });
  assert.deepEqual(withoutDebug(second.processLine("::error::x")), [out("::error::x")]);
  second.processLine("::abcdefgh::");
  assert.equal(second.stopToken, undefined);
  assert.deepEqual(second.processLine("::error::y"), [{ kind: "annotation", level: "error", message: "y" }]);
});

test("echo on prints commands before acting on them, except secrets and annotations", () => {
  const actions = withoutDebug(
    run(["::set-output name=a::1", "::echo::on", "::set-output name=a::2", "::add-mask::hidden", "::warning::w", "::group::g", "::echo::OFF  ", "::group::h"]),
  );
  assert.deepEqual(actions, [
    { kind: "annotation", level: "warning", message: deprecation("set-output") },
    { kind: "set-output", name: "a", value: "1" },
    out("::set-output name=a::2"),
    { kind: "annotation", level: "warning", message: deprecation("set-output") },
    { kind: "set-output", name: "a", value: "2" },
    out("::add-mask::***"),
    { kind: "mask", value: "hidden" },
    { kind: "annotation", level: "warning", message: "w" },
    out("::group::g"),
    { kind: "group-start", title: "g" },
    out("::echo::OFF  "),
    { kind: "group-start", title: "h" },
  ]);
});

test("step debug turns echo on from the start", () => {
  assert.deepEqual(run(["::group::g"], { debug: true }), [out("::group::g"), { kind: "group-start", title: "g" }]);
});

test("invalid echo values fail the step", () => {
  assert.deepEqual(run(["::echo::maybe"]), [
    { kind: "command-error", message: "Unable to process command '::echo::maybe' successfully." },
    { kind: "command-error", message: "Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: 'maybe'." },
  ]);
  assert.equal(run(["::echo::"]).at(-1)?.kind, "command-error");
});

test("problem matcher commands are consumed", () => {
  assert.deepEqual(run(["::add-matcher::.github/matcher.json", "::remove-matcher owner=eslint::", "::add-matcher::"]), [
    { kind: "add-matcher", file: ".github/matcher.json" },
    { kind: "remove-matcher", owner: "eslint" },
    { kind: "annotation", level: "warning", message: "File path must be specified." },
  ]);
});

test("act's commands case, line by line", () => {
  const p = processor({ allowUnsecure: true });
  const all = [
    "::set-env name=foo::bar",
    "::set-output name=zoo::zar",
    "::add-path::/zip",
    "::debug file=app.js,line=100,col=20::Hello debug!",
    "::warning file=app.js,line=100,col=20::Hello warning!",
    "::error file=app.js,line=100,col=30::Hello error!",
  ].flatMap((line) => p.processLine(line));
  assert.deepEqual(all, [
    { kind: "set-env", name: "foo", value: "bar" },
    { kind: "annotation", level: "warning", message: deprecation("set-output") },
    { kind: "set-output", name: "zoo", value: "zar" },
    { kind: "add-path", path: "/zip" },
    { kind: "debug", message: "Hello debug!" },
    { kind: "annotation", level: "warning", message: "Hello warning!", file: "app.js", line: 100, col: 20 },
    { kind: "annotation", level: "error", message: "Hello error!", file: "app.js", line: 100, col: 30 },
  ]);
});

test("malformed input never throws", () => {
  const p = processor({ allowUnsecure: true });
  const junk = ["::", ":: ::", "::error", "::error ,,,=,==::", "##[", "##[]", "##[ ]x", "::\u0000::", "::error line=99999999999::x", "%", "::group::%ZZ%"];
  for (const line of junk) assert.doesNotThrow(() => p.processLine(line));
  assert.deepEqual(p.processLine("::error line=99999999999::x"), [{ kind: "annotation", level: "error", message: "x" }]);
});
