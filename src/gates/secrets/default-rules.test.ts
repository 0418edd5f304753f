import assert from "node:assert/strict";
import { test } from "node:test";
import { corpus, fakeJwt, fakePrivateKey, Random, SECRET_FAMILIES, secretSample } from "../../../test/support/secret-corpus.js";
import { defaultRuleset } from "./config.js";
import { DEFAULT_RULES } from "./default-rules.js";
import { Detector } from "./detector.js";

const detector = new Detector(defaultRuleset());
const ids = (path: string, text: string): string[] => detector.detect({ path, text }).map((m) => m.rule.id);

const b64 = (data: string): string => Buffer.from(data).toString("base64url");
const x = (n: number, ch = "x"): string => ch.repeat(n);

/** For each family, text that has its shape but is a placeholder, an example or a near miss. */
const LOOK_ALIKES: Record<string, string[]> = {
  "aws-access-key-id": ["aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AKIAXXXXXXXXXXXXXXXX", "AKIA0123456789ABCDEF", "AKIAABCDEFGHIJKLMNOP"],
  "aws-secret-access-key": ["aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
  "gcp-api-key": [`key=AIza${x(35, "X")}`, "AIzaSyA-short"],
  "gcp-service-account-key": [`"private_key_id": "${x(40, "0")}"`, '"private_key_id": "your-private-key-id"'],
  "azure-storage-account-key": [
    "AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;",
  ],
  "azure-shared-access-key": [`SharedAccessKeyName=Root;SharedAccessKey=${x(43)}=`],
  "azure-sas-token": [`https://a.test/f?sig=${"Zq8dK2mPx7Lr4Tn9Wb3Vc6Hs1Jf5Gy0aBcDeFgHiJkLm"}`, "?sv=2022-11-02&sp=r&sig=REDACTED"],
  "azure-ad-client-secret": [`secret: abc1Q~${x(34)}`],
  "github-pat": [`ghp_${x(36)}`, "ghp_1234567890abcdefghijklmnopqrstuvwxyz", "ghp_short"],
  "github-oauth-token": [`gho_${x(36, "0")}`],
  "github-user-to-server-token": [`ghu_${x(36, "A")}`],
  "github-server-to-server-token": [`ghs_${"ab".repeat(18)}`],
  "github-refresh-token": [`ghr_${x(76)}`],
  "github-fine-grained-pat": [`github_pat_${x(22)}_${x(59)}`],
  "gitlab-pat": [`glpat-${x(20)}`, "glpat-<your-token-here>"],
  "gitlab-runner-token": [`glrt-${x(20, "0")}`],
  "slack-token": [`xoxb-000000000000-0000000000000-${x(24)}`, "xoxb-your-bot-token"],
  "slack-app-token": [`xapp-1-A0000000000-0000000000000-${x(64, "0")}`],
  "slack-webhook-url": ["https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"],
  "discord-webhook-url": [`https://discord.com/api/webhooks/000000000000000000/${x(68)}`],
  "discord-bot-token": ['token = "MyProjectConfigurationLoad.Helper.SomethingLongHereAbcdefghijkLmn"'],
  "telegram-bot-token": [`TELEGRAM_TOKEN=123456789:AA${x(33)}`],
  "stripe-secret-key": [`sk_live_${x(24, "X")}`, "sk_test_4eC39HqLyjWDarjtT1zdp7dc"],
  "stripe-restricted-key": [`rk_live_${x(24, "0")}`],
  "twilio-api-key": [`SK${x(32, "0")}`, "SKU: 12345"],
  "twilio-auth-token": ["TWILIO_AUTH_TOKEN=your_auth_token"],
  "sendgrid-api-key": [`SG.${x(22)}.${x(43)}`],
  "mailgun-api-key": ["restore-keys: cache-key-d41d8cd98f00b204e9800998ecf8427e", `key-${x(32, "0")}`],
  "mailgun-signing-key": [`mailgun_key: ${x(32, "0")}-${x(8, "0")}-${x(8, "0")}`],
  "npm-access-token": [`npm_${x(36)}`, "npm_config_cache=/tmp/npm-cache"],
  "pypi-upload-token": [`pypi-AgEIcHlwaS5vcmc${x(60, "A")}`],
  "private-key": [
    "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
    `-----BEGIN PRIVATE KEY-----\n${x(64, "A")}\n${x(64, "A")}\n-----END PRIVATE KEY-----`,
    `-----BEGIN PUBLIC KEY-----\n${"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo".repeat(3)}\n-----END PUBLIC KEY-----`,
  ],
  jwt: [
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    `${b64('{"alg":"none"}')}.${b64('{"sub":"x"}')}.${"Zq8dK2mPx7Lr4Tn9Wb3Vc6"}`,
    "eyJzZWxlY3RvciI6Ik1haW5WaWV3In0zzz.eyJub3QiOiJqc29u.Zq8dK2mPx7Lr4Tn9Wb3Vc6Hs1",
  ],
  "generic-secret": [
    'password = "changeme"',
    'api_key = "<your-api-key>"',
    "token: ${{ secrets.GITHUB_TOKEN }}",
    'password = os.environ["DB_PASSWORD"]',
    "password_field = self.password_input2",
    'tokenizer = "bert-base-uncased-v2"',
    'token_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"',
    'password = "test_password_123"',
    "password_file: /run/secrets/db_password",
    'SECRET_KEY = "your-secret-key-here"',
    'secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"',
    "if (password === confirmPassword2) return;",
    '"integrity": "sha512-Zq8dK2mPx7Lr4Tn9Wb3Vc6Hs1Jf5Gy0aBcDeFgHiJkLm=="',
  ],
};

test("every built-in rule has a generator, look-alikes, keywords, and a unique id", () => {
  const rules = DEFAULT_RULES.map((r) => r.id);
  assert.equal(new Set(rules).size, rules.length);
  assert.deepEqual(Object.keys(SECRET_FAMILIES).sort(), [...rules].sort());
  assert.deepEqual(Object.keys(LOOK_ALIKES).sort(), [...rules].sort());
  for (const rule of DEFAULT_RULES) assert.ok((rule.keywords ?? []).length > 0, `${rule.id} has no keywords: every line would reach its regex`);
});

for (const family of Object.keys(SECRET_FAMILIES)) {
  test(`${family}: generated credentials are found by that rule; look-alikes are not`, () => {
    const r = new Random(family.length * 7919);
    for (let i = 0; i < 25; i++) {
      const sample = secretSample(family, r);
      const found = ids(sample.path, sample.text);
      if (family === "generic-secret" && found.length === 0) continue;
      assert.ok(found.includes(family), `${family} not found in ${JSON.stringify(sample.text)} (found: ${found.join(", ") || "nothing"})`);
    }
    for (const text of LOOK_ALIKES[family] ?? []) assert.deepEqual(ids("src/example.txt", `${text}\n`), [], `look-alike reported: ${text}`);
  });
}

test("generic-secret catches most generated values (people's short passwords may slip through)", () => {
  const r = new Random(1);
  let found = 0;
  for (let i = 0; i < 200; i++) {
    const s = secretSample("generic-secret", r);
    if (ids(s.path, s.text).includes("generic-secret")) found += 1;
  }
  assert.ok(found >= 160, `only ${found}/200`);
});

test("one finding per secret: a specific rule wins over the generic assignment rule", () => {
  const token = SECRET_FAMILIES["github-pat"]?.(new Random(3)) ?? "";
  assert.deepEqual(ids("a.py", `GITHUB_TOKEN = "${token}"\n`), ["github-pat"]);
  const key = SECRET_FAMILIES["aws-secret-access-key"]?.(new Random(4)) ?? "";
  assert.deepEqual(ids(".env", `AWS_SECRET_ACCESS_KEY=${key}\n`), ["aws-secret-access-key"]);
  // 40 hex digits are not an AWS secret key, but still a secret by its name.
  assert.deepEqual(ids("settings.py", 'SECRET_KEY = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"\n'), ["generic-secret"]); // gitleaks:allow (a fixture the scanner must find)
});

test("JWTs and private keys: real shapes found, wherever they sit", () => {
  const r = new Random(9);
  assert.deepEqual(ids("a.http", `Authorization: Bearer ${fakeJwt(r)}\n`), ["jwt"]);
  const key = fakePrivateKey(r, "RSA ");
  const m = detector.detect({ path: "id_rsa", text: `# deploy key\n${key}\n` });
  assert.equal(m.length, 1);
  assert.equal(m[0]?.line, 2);
  assert.equal(m[0]?.endLine, key.split("\n").length + 1);
  assert.deepEqual(ids("sa.json", `{"private_key": ${JSON.stringify(key)}}`), ["private-key"]);
});

test("a line marked gitleaks:allow or tierci:allow is not reported", () => {
  const token = SECRET_FAMILIES["npm-access-token"]?.(new Random(5)) ?? "";
  assert.deepEqual(ids("a.js", `const t = "${token}"; // gitleaks:allow\n`), []);
  assert.deepEqual(ids("a.js", `const t = "${token}"; // tierci:allow\n`), []);
  assert.deepEqual(ids("a.js", `const t = "${token}";\n`), ["npm-access-token"]);
});

test("the generated look-alike corpus gives no findings", () => {
  for (const s of corpus(7, 0, 300)) assert.deepEqual(ids(s.path, s.text), [], `${s.path}: ${s.text}`);
});
