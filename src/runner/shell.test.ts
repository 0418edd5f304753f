import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findExecutable, resolveShell, type ResolvedShell, scriptContents, scriptFileName, type ShellOptions, splitArguments } from "./shell.js";

const HOST: Record<string, string> = {
  bash: "/usr/bin/bash",
  sh: "/usr/bin/sh",
  python: "/usr/bin/python",
  perl: "/usr/bin/perl",
  pwsh: "/opt/pwsh/pwsh",
};

function resolve(opts: Partial<ShellOptions> & { programs?: Record<string, string> }): ResolvedShell {
  const programs = opts.programs ?? HOST;
  const r = resolveShell({ platform: "linux", which: (name) => programs[name], ...opts });
  if ("error" in r) assert.fail(r.error);
  return r;
}

function resolveError(opts: Partial<ShellOptions> & { programs?: Record<string, string> }): string {
  const programs = opts.programs ?? HOST;
  const r = resolveShell({ platform: "linux", which: (name) => programs[name], ...opts });
  assert.ok("error" in r, "expected an error");
  return r.error;
}

test("no shell: bash with sh's arguments, `bash -e {0}`", () => {
  const r = resolve({});
  assert.equal(r.command, "/usr/bin/bash");
  assert.deepEqual(r.args("/tmp/x.sh"), ["-e", "/tmp/x.sh"]);
  assert.equal(r.extension, ".sh");
  assert.equal(r.label, "shell: /usr/bin/bash -e {0}");
});

test("no shell and no bash: sh -e {0}; neither: an error", () => {
  const r = resolve({ programs: { sh: "/bin/sh" } });
  assert.equal(r.command, "/bin/sh");
  assert.deepEqual(r.args("/t/s.sh"), ["-e", "/t/s.sh"]);
  assert.equal(resolveError({ programs: {} }), "sh: command not found");
});

test("shell: bash gets --noprofile --norc -e -o pipefail", () => {
  const r = resolve({ shell: "bash" });
  assert.equal(r.command, "/usr/bin/bash");
  assert.deepEqual(r.args("/t/a.sh"), ["--noprofile", "--norc", "-e", "-o", "pipefail", "/t/a.sh"]);
  assert.equal(r.extension, ".sh");
  assert.equal(r.label, "shell: /usr/bin/bash --noprofile --norc -e -o pipefail {0}");
});

test("sh, python and pwsh built-ins", () => {
  const sh = resolve({ shell: "sh" });
  assert.deepEqual([sh.command, ...sh.args("/t/a.sh"), sh.extension], ["/usr/bin/sh", "-e", "/t/a.sh", ".sh"]);
  const py = resolve({ shell: "python" });
  assert.deepEqual([py.command, ...py.args("/t/a.py"), py.extension], ["/usr/bin/python", "/t/a.py", ".py"]);
  const pwsh = resolve({ shell: "pwsh" });
  assert.deepEqual([pwsh.command, ...pwsh.args("/t/a.ps1"), pwsh.extension], ["/opt/pwsh/pwsh", "-command", ". '/t/a.ps1'", ".ps1"]);
});

test("defaults.run.shell applies when the step names none; the step's shell wins", () => {
  assert.equal(resolve({ defaultsShell: "python" }).extension, ".py");
  assert.equal(resolve({ shell: "sh", defaultsShell: "python" }).shellCommand, "sh");
  assert.equal(resolve({ shell: "", defaultsShell: "python" }).shellCommand, "python");
});

test("custom templates: split into words, {0} replaced, extension from a known first word", () => {
  const perl = resolve({ shell: "perl {0}" });
  assert.deepEqual([perl.command, ...perl.args("/t/x"), perl.extension], ["/usr/bin/perl", "/t/x", ""]);
  const bashx = resolve({ shell: "bash -x {0}" });
  assert.deepEqual(bashx.args("/t/x.sh"), ["-x", "/t/x.sh"]);
  assert.equal(bashx.extension, ".sh");
  assert.equal(bashx.label, "shell: /usr/bin/bash -x {0}");
  const quoted = resolve({ shell: 'bash -c "source {0}; echo done" extra' });
  assert.deepEqual(quoted.args("/t/x.sh"), ["-c", "source /t/x.sh; echo done", "extra"]);
  // Single quotes are not quoting for .NET's argument splitting (act's shells/custom case).
  assert.deepEqual(resolve({ shell: "pwsh -v '. {0}'" }).args("/t/s"), ["-v", "'.", "/t/s'"]);
  // A script path with spaces stays one argument.
  assert.deepEqual(resolve({ shell: "perl -w {0}" }).args("/dir with spaces/s"), ["-w", "/dir with spaces/s"]);
  assert.deepEqual(resolve({ shell: "perl {{x}} {0}" }).args("/s"), ["{x}", "/s"]);
});

test("a template without {0} is refused; a shell name without a template must be built in", () => {
  const invalid = "Invalid shell option. Shell must be a valid built-in (bash, sh, cmd, powershell, pwsh) or a format string containing '{0}'";
  assert.equal(resolveError({ shell: "perl" }), invalid);
  assert.equal(resolveError({ shell: "bash -x" }), invalid);
  assert.equal(
    resolveError({ shell: "perl {1} {0}" }),
    "Index (zero based) must be greater than or equal to zero and less than the size of the argument list.",
  );
  assert.equal(resolveError({ shell: "perl {0} }" }), "Input string was not in a correct format.");
});

test("the shell program must exist: cmd and powershell fail on Linux", () => {
  assert.equal(resolveError({ shell: "cmd" }), "cmd: command not found");
  assert.equal(resolveError({ shell: "powershell" }), "powershell: command not found");
  assert.equal(resolveError({ shell: "ruby {0}" }), "ruby: command not found");
});

test("built-in names ignore case for arguments and extension", () => {
  const r = resolve({ shell: "Python", programs: { Python: "/x/Python" } });
  assert.deepEqual(r.args("/t/a.py"), ["/t/a.py"]);
  assert.equal(r.extension, ".py");
});

test("on Windows the default is pwsh, else powershell", () => {
  const pwsh = resolve({ platform: "win32", programs: { pwsh: "C:\\pwsh.exe" } });
  assert.equal(pwsh.shellCommand, "pwsh");
  assert.equal(pwsh.extension, ".ps1");
  const ps = resolve({ platform: "win32", programs: { powershell: "C:\\powershell.exe" } });
  assert.equal(ps.shellCommand, "powershell");
  assert.deepEqual(ps.args("C:\\t\\a.ps1"), ["-command", ". 'C:\\t\\a.ps1'"]);
});

test("script contents: unchanged for bash, sh and python; wrapped for pwsh and cmd", () => {
  const run = "echo hi\n  echo there\n";
  assert.equal(scriptContents("bash", run, "linux"), run);
  assert.equal(scriptContents("sh", run, "linux"), run);
  assert.equal(scriptContents("perl", run, "linux"), run);
  assert.equal(
    scriptContents("pwsh", "Write-Host hi", "linux"),
    "$ErrorActionPreference = 'stop'\nWrite-Host hi\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }",
  );
  assert.equal(scriptContents("cmd", "echo a\necho b", "win32"), "@echo off\r\necho a\r\necho b");
});

test("script file names are fresh and carry the extension", () => {
  const a = scriptFileName(".sh");
  assert.match(a, /^[0-9a-f-]{36}\.sh$/);
  assert.notEqual(a, scriptFileName(".sh"));
  assert.match(scriptFileName(""), /^[0-9a-f-]{36}$/);
});

test("splitArguments follows .NET's rules", () => {
  assert.deepEqual(splitArguments('  a  "b c"\td'), ["a", "b c", "d"]);
  assert.deepEqual(splitArguments('a\\"b "c""d" e\\\\"f g"'), ['a"b', 'c"d', "e\\f g"]);
  assert.deepEqual(splitArguments("a\\b '' \"\""), ["a\\b", "''", ""]);
  assert.deepEqual(splitArguments(""), []);
});

test("findExecutable searches PATH in order and takes existing absolute paths", async () => {
  const root = await mkdtemp(join(tmpdir(), "tierci-which-"));
  try {
    const first = join(root, "first");
    const second = join(root, "second");
    await mkdir(first);
    await mkdir(second);
    await mkdir(join(first, "tool-dir"));
    await writeFile(join(second, "tool"), "#!/bin/sh\n");
    await chmod(join(second, "tool"), 0o755);
    await writeFile(join(first, "other"), "");
    await symlink(join(root, "missing"), join(first, "tool"));
    await symlink(join(second, "tool"), join(first, "linked"));
    const path = ["", first, "/nonexistent", second].join(":");
    assert.equal(findExecutable("tool", path), join(second, "tool"));
    assert.equal(findExecutable("linked", path), join(first, "linked"));
    assert.equal(findExecutable("other", path), join(first, "other"));
    assert.equal(findExecutable("tool-dir", path), undefined);
    assert.equal(findExecutable("absent", path), undefined);
    assert.equal(findExecutable(join(second, "tool"), ""), join(second, "tool"));
    assert.equal(findExecutable(join(root, "nope"), path), undefined);
    assert.equal(findExecutable("", path), undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
