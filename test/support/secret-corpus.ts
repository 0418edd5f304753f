// A labelled corpus for the secret scanner, generated from a seed: fake credentials of every
// built-in family (random, but in each provider's format) in the places code and configuration
// keep them, and strings that only look like credentials. Nothing here is a real secret.
import { createHmac } from "node:crypto";

export interface Sample {
  /** The rule that must report a secret, or "look-alike" for text that must stay clean. */
  label: string;
  path: string;
  text: string;
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = "0123456789abcdef";
const BASE32 = `${UPPER}234567`;
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;

/** Seeded pseudo-random numbers (mulberry32): the same corpus on every run. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chars(alphabet: string, n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }

  uuid(): string {
    const h = this.chars(HEX, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${this.pick(["8", "9", "a", "b"])}${h.slice(17, 20)}-${h.slice(20)}`;
  }
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

/** A signed HS256 token with a plausible payload. */
export function fakeJwt(r: Random): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(JSON.stringify({ sub: r.uuid(), iat: r.int(1_600_000_000, 1_700_000_000), scope: r.pick(["read", "admin", "deploy"]) }));
  const signature = createHmac("sha256", r.chars(ALNUM, 32)).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

export function fakePrivateKey(r: Random, kind = r.pick(["RSA ", "EC ", "OPENSSH ", ""])): string {
  const lines = Array.from({ length: r.int(8, 25) }, () => r.chars(B64, 64));
  return `-----BEGIN ${kind}PRIVATE KEY-----\n${lines.join("\n")}\n${r.chars(B64, r.int(10, 60))}==\n-----END ${kind}PRIVATE KEY-----`;
}

/** One fake credential of each family, as its provider formats it. */
export const SECRET_FAMILIES: Record<string, (r: Random) => string> = {
  "aws-access-key-id": (r) => `${r.pick(["AKIA", "ASIA"])}${r.chars(BASE32, 16)}`,
  "aws-secret-access-key": (r) => r.chars(B64, 40),
  "gcp-api-key": (r) => `AIza${r.chars(`${ALNUM}_-`, 35)}`,
  "gcp-service-account-key": (r) => r.chars(HEX, 40),
  "azure-storage-account-key": (r) => `${r.chars(B64, 86)}==`,
  "azure-shared-access-key": (r) => `${r.chars(B64, 43)}=`,
  "azure-sas-token": (r) => encodeURIComponent(`${r.chars(B64, 43)}=`),
  "azure-ad-client-secret": (r) => `${r.chars(ALNUM, 3)}${r.int(0, 9)}Q~${r.chars(`${ALNUM}_~.-`, 34)}`,
  "github-pat": (r) => `ghp_${r.chars(ALNUM, 36)}`,
  "github-oauth-token": (r) => `gho_${r.chars(ALNUM, 36)}`,
  "github-user-to-server-token": (r) => `ghu_${r.chars(ALNUM, 36)}`,
  "github-server-to-server-token": (r) => `ghs_${r.chars(ALNUM, 36)}`,
  "github-refresh-token": (r) => `ghr_${r.chars(ALNUM, 76)}`,
  "github-fine-grained-pat": (r) => `github_pat_${r.chars(ALNUM, 22)}_${r.chars(ALNUM, 59)}`,
  "gitlab-pat": (r) => `glpat-${r.chars(`${ALNUM}_-`, 20)}`,
  "gitlab-runner-token": (r) => `glrt-${r.chars(`${ALNUM}_-`, 20)}`,
  "slack-token": (r) =>
    r.next() < 0.5
      ? `xoxb-${r.chars(DIGITS, 12)}-${r.chars(DIGITS, 13)}-${r.chars(ALNUM, 24)}`
      : `xoxp-${r.chars(DIGITS, 11)}-${r.chars(DIGITS, 12)}-${r.chars(DIGITS, 13)}-${r.chars(HEX, 32)}`,
  "slack-app-token": (r) => `xapp-1-A${r.chars(UPPER + DIGITS, 10)}-${r.chars(DIGITS, 13)}-${r.chars(HEX, 64)}`,
  "slack-webhook-url": (r) => `https://hooks.slack.com/services/T${r.chars(UPPER + DIGITS, 10)}/B${r.chars(UPPER + DIGITS, 10)}/${r.chars(ALNUM, 24)}`,
  "discord-webhook-url": (r) => `https://discord.com/api/webhooks/${r.chars(DIGITS, 18)}/${r.chars(B64URL, 68)}`,
  "discord-bot-token": (r) =>
    `${Buffer.from(`${r.int(1, 9)}${r.chars(DIGITS, 17)}`)
      .toString("base64")
      .replace(/=+$/, "")}.${r.chars(B64URL, 6)}.${r.chars(B64URL, 38)}`,
  "telegram-bot-token": (r) => `${r.int(100000000, 7999999999)}:AA${r.chars(B64URL, 33)}`,
  "stripe-secret-key": (r) => `sk_live_${r.chars(ALNUM, r.pick([24, 99]))}`,
  "stripe-restricted-key": (r) => `rk_live_${r.chars(ALNUM, r.pick([24, 99]))}`,
  "twilio-api-key": (r) => `SK${r.chars(HEX, 32)}`,
  "twilio-auth-token": (r) => r.chars(HEX, 32),
  "sendgrid-api-key": (r) => `SG.${r.chars(B64URL, 22)}.${r.chars(B64URL, 43)}`,
  "mailgun-api-key": (r) => `key-${r.chars(HEX, 32)}`,
  "mailgun-signing-key": (r) => `${r.chars(HEX, 32)}-${r.chars(HEX, 8)}-${r.chars(HEX, 8)}`,
  "npm-access-token": (r) => `npm_${r.chars(ALNUM, 36)}`,
  "pypi-upload-token": (r) => `pypi-AgEIcHlwaS5vcmc${r.chars(B64URL, r.int(120, 180))}`,
  "private-key": (r) => fakePrivateKey(r),
  jwt: fakeJwt,
  // Mostly generated values, and one in four a password a person chose (which entropy misses
  // when it is short: the corpus keeps them so that recall says so).
  "generic-secret": (r) =>
    r.next() < 0.25
      ? `${r.pick(["Summer", "Falcon", "Orange", "Winter", "Dragon", "Monkey", "Sunshine", "Trading"])}${r.int(1, 9999)}${r.pick(["!", "#", "$", "?", ""])}${r.pick(["", "Blue", "x", "Zq"])}`
      : `${r.chars(ALNUM, r.int(10, 16))}${r.int(0, 9)}${r.chars(`${ALNUM}!@#%^*`, r.int(6, 16))}`,
};

/** Where a credential of each family is found: a file path and the text around it. */
const PLACES: Record<string, (secret: string, r: Random) => [string, string]> = {
  "aws-access-key-id": (s, r) =>
    r.pick<[string, string]>([
      [".env", `AWS_ACCESS_KEY_ID=${s}\n`],
      ["deploy/config.py", `AWS_KEY = "${s}"\n`],
      ["infra/main.tf", `  access_key = "${s}"\n`],
    ]),
  "aws-secret-access-key": (s, r) =>
    r.pick<[string, string]>([
      [".env", `AWS_SECRET_ACCESS_KEY=${s}\n`],
      [".aws/credentials", `[default]\naws_secret_access_key = ${s}\n`],
      ["src/s3.ts", `const secretAccessKey = "${s}";\n`],
    ]),
  "gcp-service-account-key": (s, r) => [
    "keys/service-account.json",
    `{\n  "type": "service_account",\n  "project_id": "demo-${r.int(100, 999)}",\n  "private_key_id": "${s}",\n  "client_email": "ci@demo.iam.gserviceaccount.com"\n}\n`,
  ],
  "azure-storage-account-key": (s) => [
    "appsettings.json",
    `{ "Storage": "DefaultEndpointsProtocol=https;AccountName=demostore;AccountKey=${s};EndpointSuffix=core.windows.net" }\n`,
  ],
  "azure-shared-access-key": (s) => [
    "local.settings.json",
    `"ServiceBus": "Endpoint=sb://demo.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${s}"\n`,
  ],
  "azure-sas-token": (s) => [
    "scripts/upload.sh",
    `curl -T build.zip "https://demo.blob.core.windows.net/builds/build.zip?sv=2022-11-02&ss=b&srt=o&sp=rwl&se=2030-01-01T00:00:00Z&spr=https&sig=${s}"\n`,
  ],
  "discord-bot-token": (s, r) =>
    r.pick<[string, string]>([
      [".env", `DISCORD_TOKEN=${s}\n`],
      ["bot.py", `bot.run("${s}")\n`],
      ["config.json", `{ "token": "${s}" }\n`],
    ]),
  "twilio-auth-token": (s) => ["settings.py", `TWILIO_AUTH_TOKEN = "${s}"\n`],
  "mailgun-signing-key": (s) => ["config/mail.yml", `mailgun_api_key: ${s}\n`],
  "private-key": (s, r) =>
    r.pick<[string, string]>([
      ["deploy/id_rsa", `${s}\n`],
      ["certs/server.key", `${s}\n`],
      ["keys/sa.json", `{"private_key": ${JSON.stringify(`${s}\n`)}}\n`],
    ]),
  "generic-secret": (s, r) =>
    r.pick<[string, string]>([
      ["config/settings.py", `DB_PASSWORD = "${s}"\n`],
      ["docker-compose.yml", `    environment:\n      POSTGRES_PASSWORD: ${s}\n`],
      [".env", `API_KEY=${s}\n`],
      ["src/client.ts", `const clientSecret = '${s}';\n`],
      ["config.json", `{ "auth_token": "${s}" }\n`],
      ["scripts/fetch.sh", `curl "https://api.internal.test/v1/items?api_key=${s}&page=2"\n`],
      ["src/db.go", `\tpassword := "${s}"\n`],
      ["app.properties", `spring.datasource.password=${s}\n`],
    ]),
};

function defaultPlace(secret: string, r: Random): [string, string] {
  return r.pick<[string, string]>([
    [".env", `SERVICE_CREDENTIAL=${secret}\n`],
    ["src/config.ts", `export const credential = "${secret}";\n`],
    ["app/settings.py", `CREDENTIAL = '${secret}'\n`],
    [".github/workflows/deploy.yml", `      - run: ./deploy.sh\n        env:\n          CREDENTIAL: ${secret}\n`],
    ["README.md", `Use \`${secret}\` to authenticate.\n`],
  ]);
}

export function secretSample(family: string, r: Random): Sample {
  const make = SECRET_FAMILIES[family];
  if (!make) throw new Error(`no generator for ${family}`);
  const [path, text] = (PLACES[family] ?? defaultPlace)(make(r), r);
  return { label: family, path, text };
}

/** Strings that scanners commonly mistake for credentials, in the places they occur. */
const LOOK_ALIKES: ((r: Random) => [string, string])[] = [
  (r) => ["src/models.py", `request_id = "${r.uuid()}"\n`],
  (r) => ["db/seed.sql", `INSERT INTO users (id, name) VALUES ('${r.uuid()}', 'alice');\n`],
  (r) => ["CHANGELOG.md", `- fixed in commit ${r.chars(HEX, 40)}\n`],
  (r) => ["checksums.txt", `${r.chars(HEX, 64)}  dist/tierci-linux-x64.tar.gz\n`],
  (r) => ["build.gradle", `    sha256 = "${r.chars(HEX, 64)}"\n`],
  (r) => ["package-lock.json", `      "integrity": "sha512-${r.chars(B64, 86)}=="\n`],
  (r) => ["poetry.lock", `    {file = "requests-2.31.0-py3-none-any.whl", hash = "sha256:${r.chars(HEX, 64)}"},\n`],
  (r) => ["go.sum", `github.com/pkg/errors v0.9.1 h1:${r.chars(B64, 43)}=\n`],
  (r) => ["yarn.lock", `  integrity sha1-${r.chars(B64, 27)}=\n`],
  (r) => ["web/logo.css", `.logo { background: url(data:image/png;base64,${r.chars(B64, 120)}=); }\n`],
  (r) => ["tests/fixtures/blob.txt", `payload = "${r.chars(B64, 64)}"\n`],
  () => ["docs/aws.md", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"],
  () => [".env.example", "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"],
  () => [".env.example", "STRIPE_KEY=sk_live_XXXXXXXXXXXXXXXXXXXXXXXX\n"],
  () => ["docs/setup.md", 'api_key = "<your-api-key>"\n'],
  () => ["config/dev.py", 'SECRET_KEY = "changeme"\n'],
  () => [".github/workflows/ci.yml", "        env:\n          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n"],
  () => ["app/db.py", 'password = os.environ["DB_PASSWORD"]\ntoken = get_token(scope="repo")\n'],
  () => ["docker-compose.yml", "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n"],
  () => ["config/prod.py", 'SECRET_KEY = "your-secret-key-here"\n'],
  () => ["tests/test_auth.py", 'password = "test_password_123"\napi_key = "fake_api_key_1234567890"\n'],
  (r) => ["tests/conftest.py", `token = "dummy-token-${r.chars(DIGITS, 4)}"\nsecret = "mock-secret-value-${r.int(10, 99)}"\n`],
  () => ["docs/slack.md", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n"],
  () => [
    "docs/jwt.md",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n",
  ],
  (r) => ["src/fixtures.ts", `const notJwt = "eyJ${r.chars(ALNUM, 30)}.eyJ${r.chars(ALNUM, 40)}.${r.chars(ALNUM, 43)}";\n`],
  () => ["docs/keys.md", "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n"],
  (r) => ["certs/ca.pem", `-----BEGIN CERTIFICATE-----\n${Array.from({ length: 12 }, () => r.chars(B64, 64)).join("\n")}\n-----END CERTIFICATE-----\n`],
  (r) => ["keys/deploy.pub", `-----BEGIN PUBLIC KEY-----\n${Array.from({ length: 6 }, () => r.chars(B64, 64)).join("\n")}\n-----END PUBLIC KEY-----\n`],
  (r) => [".ssh/authorized_keys", `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${r.chars(B64, 43)} ci@example.com\n`],
  () => ["src/tokens.py", 'token_type = "Bearer"\nmax_tokens = 4096\ntokenizer = "bert-base-uncased-v2"\n'],
  () => ["src/forms.py", "password_field = self.password_input2\nsecret_name = settings.SECRET_NAME_V2\n"],
  () => ["src/auth.ts", "if (password === confirmPassword2) return true;\nconst tokenUrl = `${base}/oauth2/token`;\n"],
  () => ["config/app.yml", "password_file: /run/secrets/db_password\ntoken_endpoint: https://auth.internal.test/oauth/token\n"],
  () => ["scripts/pay.py", "stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'\n"],
  () => ["bot/config.py", 'TELEGRAM_TOKEN = "123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n'],
  () => ["scripts/seq.txt", "ghp_1234567890abcdefghijklmnopqrstuvwxyz\nAKIAABCDEFGHIJKLMNOP\n"],
  (r) => [
    "src/colors.ts",
    `export const palette = ["#${r.chars(HEX, 6)}", "#${r.chars(HEX, 6)}"];\nexport const build = "v${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 99)}-rc${r.int(1, 5)}";\n`,
  ],
  (r) => ["src/cache.py", `token_hash = "${r.chars(HEX, 64)}"\nsecret_id = "${r.uuid()}"\napi_key_name = "billing-prod-${r.int(2019, 2030)}"\n`],
  (r) => ["infra/outputs.tf", `secret_arn = "arn:aws:secretsmanager:eu-west-1:${r.chars(DIGITS, 12)}:secret:prod/db-${r.chars(ALNUM, 6)}"\n`],
  (r) => [".github/workflows/test.yml", `          key: pip-key-${r.chars(HEX, 32)}\n          restore-keys: pip-\n`],
  (r) => ["k8s/deploy.yaml", `        image: ghcr.io/acme/api@sha256:${r.chars(HEX, 64)}\n`],
  () => [
    "appsettings.Development.json",
    '"Storage": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"\n',
  ],
  (r) => ["src/hmac.ts", `const signature = "${r.chars(HEX, 64)}";\nconst nonce = "${r.chars(B64, 24)}";\n`],
  (r) => [
    "tests/data/users.csv",
    `id,email,password_hash\n${r.int(1, 999)},a@example.org,$argon2id$v=19$m=65536,t=3,p=4$${r.chars(B64, 22)}$${r.chars(B64, 43)}\n`,
  ],
  () => ["src/schema.json", '{ "password": { "type": "string", "minLength": 12 }, "token": { "format": "uuid" } }\n'],
  () => ["src/settings.py", "SECRET_KEY = get_random_secret_key()\nAPI_TOKEN = env.str('API_TOKEN', default=None)\n"],
  () => ["infra/db.tf", '  password = var.db_password_v2\n  secret   = data.vault_generic_secret.db.data["password"]\n'],
  (r) => ["src/ids.go", `var traceID = "${r.chars(HEX, 32)}"\nvar spanID = "${r.chars(HEX, 16)}"\n`],
  (r) => ["migrations/0042.py", `revision = "${r.chars(HEX, 12)}"\ndown_revision = "${r.chars(HEX, 12)}"\n`],
  () => ["docs/auth.md", 'Set `password_hash = "$2b$12$KIXQJh3Hq1uZz0xZcF2OUeK7n9K1tV0XH9bZ1rYp6x3q8fO4mC2y."` in the fixture.\n'],
  (r) => ["src/encode.py", `greeting = base64.b64decode("${Buffer.from(`hello world ${r.int(0, 999)} and more text`).toString("base64")}")\n`],
  () => ["README.md", "Replace `AKIAXXXXXXXXXXXXXXXX` and `sk_live_...` with your own keys.\n"],
];

/** `perFamily` credentials of every family and `lookAlikes` look-alike samples. */
export function corpus(seed: number, perFamily: number, lookAlikes: number): Sample[] {
  const r = new Random(seed);
  const samples: Sample[] = [];
  for (const family of Object.keys(SECRET_FAMILIES)) {
    for (let i = 0; i < perFamily; i++) samples.push(secretSample(family, r));
  }
  for (let i = 0; i < lookAlikes; i++) {
    const [path, text] = (LOOK_ALIKES[i % LOOK_ALIKES.length] as (r: Random) => [string, string])(r);
    samples.push({ label: "look-alike", path, text });
  }
  return samples;
}

export const LOOK_ALIKE_KINDS = LOOK_ALIKES.length;
