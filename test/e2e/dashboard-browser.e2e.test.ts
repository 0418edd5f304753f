// The dashboard in headless Chromium against the real server with real runs: log in, see a run
// appear after a webhook, follow a running job's log live, cancel the run, re-run failed jobs,
// and dispatch with a bad then a good input. Screenshots go to test-artifacts/dashboard/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { dashboardFiles } from "../support/dashboard-repo.js";
import { bareCopy, pushPayload, removeTempDirs, TestServer, TOKENS, type ServedRepo } from "../support/server-harness.js";
import { repoFactory, type TempRepo } from "./harness.js";

const CHROMIUM = process.env["TIERCI_CHROMIUM"] ?? "/usr/bin/chromium";
const SKIP = !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`;
const SHOTS = resolve("test-artifacts", "dashboard");
const newRepo = repoFactory();

let work: TempRepo;
let served: ServedRepo;
let server: TestServer;
let browser: Browser;
let admin: Page;

async function login(token: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on("dialog", () => assert.fail("a script from a job's output ran in the page"));
  await page.goto(`${server.url}/`);
  assert.match(page.url(), /\/login\?next=%2F$/, "without a session the dashboard asks to log in");
  await page.getByLabel("Token").fill(token);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`${server.url}/`);
  return page;
}

async function push(files: Record<string, string>, remove: string[] = []): Promise<string> {
  work.write(files);
  for (const f of remove) work.git("rm", "-q", f);
  const sha = work.commit("change");
  work.git("push", "-q", "--force", served.url, "HEAD:refs/heads/main");
  const res = await server.deliver(served, "push", pushPayload(served.name, sha));
  assert.equal(res.status, 202, res.text);
  return (res.body as { run_ids: string[] }).run_ids[0] as string;
}

/** Polls from the test's side: the page's CSP forbids the evaluated functions waitForFunction needs. */
async function until(done: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

before(async () => {
  if (SKIP) return;
  mkdirSync(SHOTS, { recursive: true });
  work = newRepo(dashboardFiles());
  served = { name: "acme/app", url: bareCopy(work.dir), secret: "dash-browser-secret" };
  server = await TestServer.start([served], { jobs: 3 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  admin = await login(TOKENS.admin);
});

after(async () => {
  if (SKIP) return;
  await browser.close();
  await server.stop();
  removeTempDirs();
});

test("a run appears after a webhook, its running job's log arrives live, and cancelling ends it as cancelled", { skip: SKIP }, async () => {
  await admin.goto(`${server.url}/`);
  const id = await push({ "slow.txt": "print slowly\n" });
  const row = admin.locator(`#runs tr[data-id="${id}"]`);
  await row.waitFor({ timeout: 30_000 });
  await admin.locator(`#runs tr[data-id="${id}"][data-state="in_progress"]`).waitFor({ timeout: 30_000 });
  await shot(admin, "runs");

  await row.getByRole("link").first().click();
  await admin.waitForURL(`${server.url}/runs/${id}`);
  const slowJob = admin.locator('#jobs tr[data-state="in_progress"]:has(a:text-is("slow"))');
  await slowJob.waitFor({ timeout: 30_000 });
  await slowJob.getByRole("link", { name: "slow" }).click();
  await admin.waitForURL(/\/jobs\/\d+$/);
  assert.match((await admin.locator("#follow-status").textContent()) ?? "", /Live/);
  const lines = admin.locator("#log .l");
  const first = await lines.count();
  await until(async () => (await lines.count()) >= first + 4, "four new log lines to arrive without a reload");
  assert.match((await lines.last().textContent()) ?? "", /tick \d+/, "the newest line is a tick the step printed after the page opened");
  await shot(admin, "live-log");

  await admin.getByRole("link", { name: /← acme\/app #/ }).click();
  await admin.getByRole("button", { name: "Cancel run" }).click();
  await admin.locator("#run-state .state.cancelled").waitFor({ timeout: 30_000 });
  assert.match((await admin.locator("#run-state").textContent()) ?? "", /cancelled/);
});

test("re-running the failed jobs of a run runs only those, as a new run", { skip: SKIP }, async () => {
  const id = await push({}, ["slow.txt"]);
  await server.completed(id);
  await admin.goto(`${server.url}/runs/${id}`);
  assert.match((await admin.locator("#run-state").textContent()) ?? "", /failure/);
  assert.match((await admin.locator("svg.timeline").innerHTML()) ?? "", /budget 5 min/, "the report's timeline with the tiers' budgets");
  assert.match((await admin.locator("#annotations").textContent()) ?? "", /src\/app\.js:9 boom on 20/);
  assert.match((await admin.locator("#jobs").textContent()) ?? "", /node: 20/, "matrix values are shown");
  await shot(admin, "run");
  await admin.getByRole("button", { name: "Re-run failed jobs" }).click();
  await admin.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(id));
  const again = admin.url().split("/").pop() as string;
  assert.match((await admin.locator("p.meta").textContent()) ?? "", /failed jobs re-run by admin/);
  const done = await server.completed(again);
  const ran = (done["jobs"] as { name: string; conclusion: string }[]).filter((j) => j.conclusion !== "skipped" && j.conclusion !== "success");
  assert.deepEqual(
    ran.map((j) => j.name),
    ["test (20)"],
    "only the failed leg ran again",
  );
});

test("dispatch: a missing input is shown at its field (by the browser, then by the server's 422), good inputs start the run", { skip: SKIP }, async () => {
  await admin.goto(`${server.url}/`);
  await admin.getByRole("link", { name: "Run a workflow of acme/app" }).click();
  await admin.getByLabel("Workflow file").fill("ci.yml");
  await admin.getByRole("button", { name: "Show its inputs" }).click();
  await admin.getByLabel("level (required)").selectOption("high");
  await admin.getByRole("button", { name: "Run workflow" }).click();
  assert.equal(await admin.locator('[id="err-input:count"]').textContent(), "This is required.", "checked before sending");
  assert.equal(await admin.getByLabel("count (required)").getAttribute("aria-invalid"), "true");

  // Sent without the browser's check: the server's 422 is shown at the same field.
  await Promise.all([admin.waitForNavigation(), admin.evaluate('document.getElementById("dispatch").submit()')]);
  assert.match((await admin.locator('[id="err-input:count"]').textContent()) ?? "", /input 'count' is required/);
  await shot(admin, "dispatch-error");

  await admin.getByLabel("count (required)").fill("3");
  await admin.getByLabel("dry").check();
  await admin.getByRole("button", { name: "Run workflow" }).click();
  await admin.waitForURL(/\/runs\/[0-9a-z]+$/);
  assert.match((await admin.locator("p.meta").textContent()) ?? "", /dispatched by admin/);
  const run = await server.completed(admin.url().split("/").pop() as string);
  assert.equal(run["event"], "workflow_dispatch");
});

test("a read-only user sees the runs but no buttons, and the runs page fits a phone screen", { skip: SKIP }, async () => {
  const reader = await login(TOKENS.reader, { width: 390, height: 844 });
  assert.equal(await reader.getByRole("link", { name: /Run a workflow/ }).count(), 0);
  await reader.locator("#runs tbody tr").first().getByRole("link").first().click();
  assert.equal(await reader.getByRole("button", { name: /Cancel|Re-run/ }).count(), 0);
  await reader.goto(`${server.url}/`);
  const overflow = await reader.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone's screen`);
  await shot(reader, "runs-390");
  await reader.getByRole("link", { name: "Test health" }).first().click();
  assert.match((await reader.locator("h1").textContent()) ?? "", /Test health of acme\/app/);
});
