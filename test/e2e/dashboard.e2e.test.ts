// The dashboard refuses what it must over plain HTTP: no session, a wrong CSRF token, a read-only
// user's POST, a login with a wrong token; and it escapes markup from branch names, job names and
// log lines. The browser tests (dashboard-browser) show the pages working.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { csrfOf, dashboardLogin, postForm, type DashboardSession } from "../support/dashboard-session.js";
import { dashboardFiles, HOSTILE } from "../support/dashboard-repo.js";
import { bareCopy, pushPayload, removeTempDirs, TestServer, TOKENS, type ServedRepo } from "../support/server-harness.js";
import { repoFactory, type TempRepo } from "./harness.js";

const newRepo = repoFactory();
let work: TempRepo;
let served: ServedRepo;
let server: TestServer;
let runId: string;
const BRANCH = 'feat/"><script>window.__pwned=3</script>';

before(async () => {
  work = newRepo(dashboardFiles("lint <img src=x onerror=window.__pwned=2>"));
  served = { name: "acme/app", url: bareCopy(work.dir), secret: "dash-hook-secret" };
  server = await TestServer.start([served]);
  work.git("push", "-q", served.url, `HEAD:refs/heads/${BRANCH}`);
  const sha = work.git("rev-parse", "HEAD");
  const res = await server.deliver(served, "push", pushPayload(served.name, sha, `refs/heads/${BRANCH}`));
  assert.equal(res.status, 202, res.text);
  runId = (res.body as { run_ids: string[] }).run_ids[0] as string;
  await server.completed(runId);
});

after(async () => {
  await server.stop();
  removeTempDirs();
});

const page = (path: string, session?: DashboardSession): Promise<Response> =>
  fetch(`${server.url}${path}`, { redirect: "manual", headers: { accept: "text/html", ...(session ? { cookie: session.cookie } : {}) } });

test("without a session a page redirects to the login form and other requests get 401", async () => {
  const res = await page(`/runs/${runId}`);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), `/login?next=${encodeURIComponent(`/runs/${runId}`)}`);
  const json = await fetch(`${server.url}/live/runs`);
  assert.equal(json.status, 401);
  const forged = await fetch(`${server.url}/`, { headers: { accept: "text/html", cookie: "tierci_session=made-up-session-id" }, redirect: "manual" });
  assert.equal(forged.status, 303, "an unknown session id is no session");
  const post = await postForm(server.url, `/runs/${runId}/rerun`, undefined, { _csrf: "x" });
  assert.equal(post.status, 401);
});

test("login refuses a wrong token and a missing login CSRF cookie, and sets a HttpOnly SameSite cookie", async () => {
  const form = await fetch(`${server.url}/login`);
  const loginCookie = /tierci_login=([^;]*)/.exec(form.headers.getSetCookie().join("\n"))?.[1] ?? "";
  const csrf = csrfOf(await form.text());
  const post = (fields: Record<string, string>, cookie: string) =>
    fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams(fields).toString(),
    });
  const wrong = await post({ _csrf: csrf, token: "not-a-token" }, `tierci_login=${loginCookie}`);
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /not one of the server&#39;s dashboard tokens/);
  assert.equal((await post({ _csrf: csrf, token: TOKENS.admin }, "")).status, 403, "no login cookie: the form's token proves nothing");
  const ok = await post({ _csrf: csrf, token: TOKENS.admin, next: "//evil.example/" }, `tierci_login=${loginCookie}`);
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get("location"), "/", "next never leads off the server");
  const session = ok.headers.getSetCookie().find((c) => c.startsWith("tierci_session="));
  assert.match(session ?? "", /HttpOnly/);
  assert.match(session ?? "", /SameSite=Lax/);
  assert.doesNotMatch(session ?? "", /Secure/, "served over plain HTTP on loopback");
  assert.doesNotMatch(session ?? "", new RegExp(TOKENS.admin), "the cookie is not the token");
});

test("a POST with a wrong or missing CSRF token is refused with 403 and does nothing", async () => {
  const admin = await dashboardLogin(server.url, TOKENS.admin);
  const before = (await server.request("GET", "/api/runs", { token: TOKENS.reader })).body as { runs: unknown[] };
  for (const csrf of ["", "wrong", `${admin.csrf.slice(0, -1)}x`]) {
    const res = await postForm(server.url, `/runs/${runId}/rerun`, { ...admin, csrf }, {});
    assert.equal(res.status, 403, `csrf '${csrf}'`);
  }
  const afterRuns = (await server.request("GET", "/api/runs", { token: TOKENS.reader })).body as { runs: unknown[] };
  assert.equal(afterRuns.runs.length, before.runs.length, "no run was queued");
});

test("a read-only user sees no buttons that change anything, and the server refuses their POSTs", async () => {
  const reader = await dashboardLogin(server.url, TOKENS.reader);
  const runPage = await (await page(`/runs/${runId}`, reader)).text();
  assert.doesNotMatch(runPage, /Re-run|Cancel run/);
  const home = await (await page("/", reader)).text();
  assert.doesNotMatch(home, /Run a workflow/);
  assert.equal((await postForm(server.url, `/runs/${runId}/rerun`, reader)).status, 403);
  assert.equal((await postForm(server.url, "/repos/acme/app/dispatch", reader, { workflow: "ci.yml" })).status, 403);
  assert.equal((await page("/repos/acme/app/dispatch", reader)).status, 403);
  const logout = await postForm(server.url, "/logout", reader);
  assert.equal(logout.status, 303);
  assert.equal((await page("/", reader)).status, 303, "after logout the session is gone");
});

test("markup in a branch name, a job name and a log line is shown as text", async () => {
  const admin = await dashboardLogin(server.url, TOKENS.admin);
  const home = await page("/", admin);
  assert.match(home.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  const pages = [await home.text(), await (await page(`/runs/${runId}`, admin)).text()];
  const run = await server.run(runId);
  const lint = (run["jobs"] as { id: number; job_id: string }[]).find((j) => j.job_id === "lint");
  assert.ok(lint);
  const log = await (await page(`/runs/${runId}/jobs/${lint.id}`, admin)).text();
  pages.push(log);
  for (const html of pages) {
    assert.doesNotMatch(html, /<script>window\.__pwned|<img src=x/);
  }
  assert.ok(pages[0]?.includes("feat/&quot;&gt;&lt;script&gt;window.__pwned=3&lt;/script&gt;"), "the branch is shown, escaped");
  assert.ok(log.includes("&lt;img src=x onerror=window.__pwned=2&gt;"), "the job name is shown, escaped");
  assert.ok(log.includes(HOSTILE.replace(/</g, "&lt;").replace(/>/g, "&gt;")), "the log line is shown, escaped");
  assert.match(log, /<span class="fg2">all good<\/span>/, "ANSI green is a class, not raw escape codes");
});

test("bad parameters are refused, never a crash", async () => {
  const admin = await dashboardLogin(server.url, TOKENS.admin);
  assert.equal((await page("/runs/NOT-AN-ID", admin)).status, 400);
  assert.equal((await page(`/runs/${runId}/jobs/999999`, admin)).status, 404);
  assert.equal((await page(`/runs/${runId}/jobs/1?from=-4`, admin)).status, 400);
  assert.equal((await page(`/?conclusion=evil`, admin)).status, 400);
  assert.equal((await page(`/runs/${runId}/jobs/1?q=${"x".repeat(300)}`, admin)).status, 400);
});

test("the runs page filters by workflow file name, conclusion and branch", async () => {
  const admin = await dashboardLogin(server.url, TOKENS.admin);
  const shown = async (q: string) => ((await (await page(`/${q}`, admin)).text()).match(/<tr data-id="/g) ?? []).length;
  assert.equal(await shown("?workflow=lint.yml"), 1);
  assert.equal(await shown("?workflow=other.yml"), 0);
  assert.equal(await shown("?conclusion=failure&repo=acme%2Fapp"), 1);
  assert.equal(await shown("?conclusion=success"), 0);
  assert.equal(await shown(`?branch=${encodeURIComponent(BRANCH)}`), 1);
  assert.equal(await shown(`?before=${runId}`), 0, "nothing is older than the first run");
});

test("a job log is searched on the server and opens at a line's anchor", async () => {
  const admin = await dashboardLogin(server.url, TOKENS.admin);
  const run = await server.run(runId);
  const lint = (run["jobs"] as { id: number; job_id: string }[]).find((j) => j.job_id === "lint");
  assert.ok(lint);
  const found = await (await page(`/runs/${runId}/jobs/${lint.id}?q=ALL%20GOOD`, admin)).text();
  const hit = /<a href="\?at=(\d+)#L\1">line \1<\/a>/.exec(found);
  assert.ok(hit?.[1], "the search names the line, case aside");
  const at = await (await page(`/runs/${runId}/jobs/${lint.id}?at=${hit[1]}`, admin)).text();
  assert.match(at, new RegExp(`id="L${hit[1]}"[^]*all good`));
  assert.match(await (await page(`/runs/${runId}/jobs/${lint.id}?q=no-such-text`, admin)).text(), /No line contains/);
  const folded = /<details data-step="(\d+)"\s*>/.exec(at);
  assert.ok(folded, "a step that succeeded is folded");
});

test("an artifact's files are listed and downloaded; only the files it lists are served", async () => {
  const admin = await dashboardLogin(server.url, TOKENS.admin);
  const runPage = await (await page(`/runs/${runId}`, admin)).text();
  const link = /<a class="mono" href="([^"]+)">lint report<\/a>/.exec(runPage)?.[1];
  assert.equal(link, `/runs/${runId}/artifacts/lint%20report`);
  const files = await (await page(link, admin)).text();
  const download = /href="([^"]+\/download\?path=[^"]+)"/.exec(files)?.[1]?.replace(/&amp;/g, "&");
  assert.equal(download, `${link}/download?path=lint-report.txt`);
  const res = await page(download, admin);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "3 findings\n");
  assert.match(res.headers.get("content-disposition") ?? "", /attachment; filename\*=UTF-8''lint-report\.txt/);
  for (const path of ["../manifest.json", "../../../../server.db", "/etc/passwd"])
    assert.equal((await page(`${link}/download?path=${encodeURIComponent(path)}`, admin)).status, 404, path);
  assert.equal((await page(`/runs/${runId}/artifacts/..%2F..`, admin)).status, 404);
  assert.equal((await fetch(`${server.url}${download}`, { redirect: "manual" })).status, 401, "no session, no file");
});
