// The built-in rule set: well-known credential formats, each anchored on a literal that a
// line must contain (the keywords) so that most lines never reach a regular expression.
// Patterns are in RE2 syntax, like a configuration file's.
import { looksHandTyped, shannonEntropy } from "./entropy.js";
import type { AllowlistSpec, RuleSpec } from "./rules.js";

/** Words that mark a value as documentation or a fixture rather than a credential. */
const PLACEHOLDER_WORDS = [
  "example",
  "placeholder",
  "changeme",
  "change_me",
  "change-me",
  "dummy",
  "redacted",
  "your_",
  "your-",
  "<your",
  "xxxxxx",
  "****",
  "......",
];

const placeholders: AllowlistSpec = { description: "documentation and placeholder values", stopwords: PLACEHOLDER_WORDS };

/** The random part of a token (after its fixed prefix) must look generated. */
function randomTail(prefixLength: number): (secret: string) => boolean {
  return (secret) => !looksHandTyped(secret.slice(prefixLength));
}

function prefixedToken(id: string, description: string, prefix: string, body: string): RuleSpec {
  return {
    id,
    description,
    regex: String.raw`\b(${prefix.replace(/[.-]/g, "\\$&")}${body})(?:[^\w-]|$)`,
    keywords: [prefix.toLowerCase()],
    entropy: 3,
    plausible: randomTail(prefix.length),
    allowlists: [placeholders],
  };
}

function decodeBase64Url(part: string): string | undefined {
  try {
    return Buffer.from(part.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
  } catch {
    return undefined;
  }
}

function jsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A signed JWT: a JSON header naming a real algorithm, a JSON payload and a signature. */
function plausibleJwt(token: string): boolean {
  const [header, payload, signature] = token.split(".");
  const head = jsonObject(decodeBase64Url(header ?? ""));
  const alg = head?.["alg"];
  if (typeof alg !== "string" || alg.toLowerCase() === "none") return false;
  return jsonObject(decodeBase64Url(payload ?? "")) !== undefined && !looksHandTyped(signature ?? "");
}

/** A private key block with real key material between its markers, not an ellipsis. */
function plausiblePrivateKey(block: string): boolean {
  const body = block
    .replace(/-----(?:BEGIN|END)[^-]*-----/g, "")
    .replace(/^[\w-]+:.*$/gm, "")
    .replace(/\\n/g, "")
    .replace(/[^A-Za-z0-9+/=]/g, "");
  return body.length >= 64 && shannonEntropy(body) >= 4.5;
}

// A value that configuration or code computes rather than holds: an environment or template
// reference, a dotted identifier, a path, a URL, a hash with its algorithm's name, a UUID.
const NOT_A_LITERAL = [
  /^\$/,
  /^%\(/,
  /^\{\{/,
  /^</,
  /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/,
  /^[.~]?\//,
  /^[a-z][a-z0-9+.-]*:\/\//i,
  /\.(?:json|txt|pem|key|ya?ml|env|cfg|conf|ini|crt|p12|pfx|toml)$/i,
  /^sha(?:1|224|256|384|512)[-:]/i,
  /^arn:/,
  // Identifiers far more often than credentials; a provider whose keys are UUIDs needs its own rule with context.
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
];

/** A generic assignment's value: a literal with letters and digits that does not look typed. */
function plausibleGenericValue(value: string): boolean {
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  if (NOT_A_LITERAL.some((re) => re.test(value))) return false;
  return !looksHandTyped(value);
}

// Case variants written out rather than a (?i) flag, so that after the name an upper-case
// letter (camelCase: `apiKeyProd`) continues it but a lower-case one (`tokenizer`,
// `passwords`) makes it another word.
function anyCase(pattern: string): string {
  return pattern.replace(/[a-z]/g, (ch) => `[${ch}${ch.toUpperCase()}]`);
}

const GENERIC_NAMES = ["api[_.-]?key", "secret", "token", "passwd", "password", "pwd", "credentials?", "auth[_.-]?key", "access[_.-]?key", "private[_.-]?key"];

const genericName = `(?:${GENERIC_NAMES.map(anyCase).join("|")})`;

const ASSIGN = String.raw`["']?\s{0,5}(?:=|:|:=|=>|\?=|<-)\s{0,5}`;

export const DEFAULT_RULES: RuleSpec[] = [
  {
    id: "aws-access-key-id",
    description: "AWS access key ID",
    regex: String.raw`\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`,
    keywords: ["akia", "asia", "abia", "acca"],
    entropy: 3,
    plausible: randomTail(4),
    allowlists: [placeholders],
  },
  {
    id: "aws-secret-access-key",
    description: "AWS secret access key",
    regex: String.raw`(?i)secret[_.-]?(?:access[_.-]?)?key${ASSIGN}["']?([a-z0-9/+]{40})(?:[^a-z0-9/+=]|$)`,
    keywords: ["secret"],
    entropy: 4.3,
    plausible: (s) => /[A-Z]/.test(s) && /[a-z]/.test(s) && !looksHandTyped(s),
    allowlists: [placeholders],
  },
  {
    id: "gcp-api-key",
    description: "Google Cloud API key",
    regex: String.raw`\b(AIza[\w-]{35})(?:[^\w-]|$)`,
    keywords: ["aiza"],
    entropy: 3.5,
    plausible: randomTail(4),
    allowlists: [placeholders],
  },
  {
    id: "gcp-service-account-key",
    description: "Google Cloud service account key (private_key_id of a key file)",
    regex: String.raw`"private_key_id"\s*:\s*"([a-f0-9]{40})"`,
    keywords: ["private_key_id"],
    entropy: 3,
    plausible: randomTail(0),
    allowlists: [placeholders],
  },
  {
    id: "azure-storage-account-key",
    description: "Azure storage account key",
    regex: String.raw`(?i)(?:AccountKey\s*=\s*|azure[\w.-]{0,30}?key${ASSIGN}["']?)([a-z0-9+/]{86}==)`,
    keywords: ["accountkey", "azure"],
    entropy: 4.5,
    plausible: randomTail(0),
    // The key every copy of the Azurite / Azure Storage emulator uses, published in Microsoft's docs.
    allowlists: [
      placeholders,
      {
        description: "the storage emulator's published key",
        stopwords: ["Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="],
      },
    ],
  },
  {
    id: "azure-shared-access-key",
    description: "Azure Service Bus / Event Hubs / IoT Hub shared access key in a connection string",
    regex: String.raw`(?i)SharedAccessKey\s*=\s*([a-z0-9+/]{43}=)`,
    keywords: ["sharedaccesskey"],
    entropy: 4,
    plausible: randomTail(0),
    allowlists: [placeholders],
  },
  {
    id: "azure-sas-token",
    description: "Azure shared access signature",
    regex: String.raw`\bsv=\d{4}-\d{2}-\d{2}&[^\s"'<>]{0,400}?\bsig=([A-Za-z0-9%+/]{40,100})`,
    keywords: ["sig="],
    entropy: 4,
    plausible: randomTail(0),
    allowlists: [placeholders],
  },
  {
    id: "azure-ad-client-secret",
    description: "Azure AD (Entra ID) application client secret",
    regex: String.raw`(?:^|[\s'"=:(,\x60])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)`,
    keywords: ["q~"],
    entropy: 3.5,
    plausible: randomTail(5),
    allowlists: [placeholders],
  },
  prefixedToken("github-pat", "GitHub personal access token (classic)", "ghp_", "[A-Za-z0-9]{36}"),
  prefixedToken("github-oauth-token", "GitHub OAuth access token", "gho_", "[A-Za-z0-9]{36}"),
  prefixedToken("github-user-to-server-token", "GitHub App user-to-server token", "ghu_", "[A-Za-z0-9]{36}"),
  prefixedToken("github-server-to-server-token", "GitHub App installation (server-to-server) token", "ghs_", "[A-Za-z0-9]{36}"),
  prefixedToken("github-refresh-token", "GitHub App refresh token", "ghr_", "[A-Za-z0-9]{36,76}"),
  prefixedToken("github-fine-grained-pat", "GitHub fine-grained personal access token", "github_pat_", "[A-Za-z0-9]{22}_[A-Za-z0-9]{59}"),
  prefixedToken("gitlab-pat", "GitLab personal access token", "glpat-", "[\\w-]{20,64}"),
  prefixedToken("gitlab-runner-token", "GitLab runner authentication token", "glrt-", "[\\w-]{20,64}"),
  {
    id: "slack-token",
    description: "Slack bot, user or app token",
    regex: String.raw`\b(xox[baprs]-(?:\d+-){1,3}[A-Za-z0-9]{10,64})(?:[^\w-]|$)`,
    keywords: ["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"],
    entropy: 3,
    plausible: (s) => !looksHandTyped(s.slice(s.lastIndexOf("-") + 1)),
    allowlists: [placeholders],
  },
  {
    id: "slack-app-token",
    description: "Slack app-level token",
    regex: String.raw`\b(xapp-\d-[A-Z0-9]{8,}-\d{8,}-[a-f0-9]{32,80})\b`,
    keywords: ["xapp-"],
    entropy: 3,
    plausible: (s) => !looksHandTyped(s.slice(s.lastIndexOf("-") + 1)),
    allowlists: [placeholders],
  },
  {
    id: "slack-webhook-url",
    description: "Slack incoming webhook URL",
    regex: String.raw`https?://hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9+/_-]{30,120})`,
    keywords: ["hooks.slack.com"],
    entropy: 3.5,
    plausible: (s) => !looksHandTyped(s.slice(s.lastIndexOf("/") + 1)),
    allowlists: [placeholders],
  },
  {
    id: "discord-webhook-url",
    description: "Discord webhook URL",
    regex: String.raw`https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/(\d{17,20}/[\w-]{60,68})`,
    keywords: ["discord"],
    entropy: 3.5,
    plausible: (s) => !looksHandTyped(s.slice(s.indexOf("/") + 1)),
    allowlists: [placeholders],
  },
  {
    id: "discord-bot-token",
    description: "Discord bot token",
    regex: String.raw`\b([MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})(?:[^\w.-]|$)`,
    keywords: ["discord", "token", "bot"],
    entropy: 4,
    plausible: (s) => {
      const [id, , hmac] = s.split(".");
      return /^\d{17,20}$/.test(Buffer.from(id ?? "", "base64").toString("latin1")) && !looksHandTyped(hmac ?? "");
    },
    allowlists: [placeholders],
  },
  {
    id: "telegram-bot-token",
    description: "Telegram bot token",
    regex: String.raw`\b(\d{8,10}:AA[\w-]{33})(?:[^\w-]|$)`,
    keywords: [":aa"],
    entropy: 3.5,
    plausible: (s) => !looksHandTyped(s.slice(s.indexOf(":") + 3)),
    allowlists: [placeholders],
  },
  prefixedToken("stripe-secret-key", "Stripe live secret key", "sk_live_", "[A-Za-z0-9]{24,247}"),
  prefixedToken("stripe-restricted-key", "Stripe live restricted key", "rk_live_", "[A-Za-z0-9]{24,247}"),
  {
    id: "twilio-api-key",
    description: "Twilio API key SID",
    regex: String.raw`\b(SK[0-9a-f]{32})\b`,
    keywords: ["sk"],
    entropy: 3,
    plausible: randomTail(2),
    allowlists: [placeholders],
  },
  {
    id: "twilio-auth-token",
    description: "Twilio auth token",
    regex: String.raw`(?i)twilio[\w.-]{0,20}?(?:auth[_.-]?)?token${ASSIGN}["']?([a-f0-9]{32})\b`,
    keywords: ["twilio"],
    entropy: 3,
    plausible: randomTail(0),
    allowlists: [placeholders],
  },
  {
    id: "sendgrid-api-key",
    description: "SendGrid API key",
    regex: String.raw`\b(SG\.[\w-]{22}\.[\w-]{43})(?:[^\w-]|$)`,
    keywords: ["sg."],
    entropy: 4,
    plausible: (s) => !looksHandTyped(s.slice(s.lastIndexOf(".") + 1)),
    allowlists: [placeholders],
  },
  {
    id: "mailgun-api-key",
    description: "Mailgun private API key",
    // Not after a hyphen: `cache-key-<md5>` names a cache entry.
    regex: String.raw`(?:^|[^\w-])(key-[0-9a-f]{32})\b`,
    keywords: ["key-"],
    entropy: 3,
    plausible: randomTail(4),
    allowlists: [placeholders],
  },
  {
    id: "mailgun-signing-key",
    description: "Mailgun API or webhook signing key",
    regex: String.raw`(?i)mailgun[\w.-]{0,30}?${ASSIGN}["']?([a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8})\b`,
    keywords: ["mailgun"],
    entropy: 3,
    plausible: randomTail(0),
    allowlists: [placeholders],
  },
  prefixedToken("npm-access-token", "npm access token", "npm_", "[A-Za-z0-9]{36}"),
  {
    id: "pypi-upload-token",
    description: "PyPI upload token",
    regex: String.raw`\b(pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[\w-]{50,})`,
    keywords: ["pypi-ag"],
    entropy: 4,
    plausible: randomTail(20),
    allowlists: [placeholders],
  },
  {
    id: "private-key",
    description: "Private key",
    regex: String.raw`(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S]{64,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)`,
    keywords: ["-----begin"],
    plausible: plausiblePrivateKey,
  },
  {
    id: "jwt",
    description: "JSON Web Token",
    regex: String.raw`\b(eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{16,})(?:[^\w.-]|$)`,
    keywords: ["eyj"],
    entropy: 3,
    plausible: plausibleJwt,
    // The signature of the token that jwt.io and countless tutorials show.
    allowlists: [placeholders, { description: "the jwt.io example token", stopwords: ["SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"] }],
  },
  {
    id: "generic-secret",
    description: "Secret assigned to a key, password or token variable",
    regex: String.raw`${genericName}(?:[_.-][\w.-]{0,20}|[A-Z][\w.-]{0,20})?${ASSIGN}(?:"([^"\s]{8,128})"|'([^'\s]{8,128})'|\x60([^\x60\s]{8,128})\x60|([A-Za-z0-9][A-Za-z0-9+/=_.~!@#%^*-]{7,127})(?:[\s,;)\]}&]|$))`,
    keywords: [
      "api_key",
      "api-key",
      "api.key",
      "apikey",
      "secret",
      "token",
      "passwd",
      "password",
      "pwd",
      "credential",
      "auth_key",
      "auth-key",
      "auth.key",
      "authkey",
      "access_key",
      "access-key",
      "access.key",
      "accesskey",
      "private_key",
      "private-key",
      "private.key",
      "privatekey",
    ],
    entropy: 3.5,
    plausible: plausibleGenericValue,
    allowlists: [
      {
        description: "placeholders and fixtures",
        stopwords: [
          ...PLACEHOLDER_WORDS,
          "test",
          "sample",
          "fake",
          "mock",
          "secret",
          "password",
          "token",
          "insert",
          "replace",
          "todo",
          "fixme",
          "foobar",
          "lorem",
          "default",
        ],
      },
      {
        description: "names that hold facts about a secret, not the secret (token_hash, secret_arn, api_key_name, password_length)",
        regexTarget: "match",
        regexes: [
          String.raw`(?i)(?:hash|digest|checksum|sha\d*|md5|ids?|names?|type|arn|url|uri|path|file|dir|length|len|count|version|field|header|endpoint|expiry|expires|ttl|timeout|policy|prompt|label|placeholder)["']?\s{0,5}(?:=|:|:=|=>|\?=|<-)`,
        ],
      },
    ],
  },
];
