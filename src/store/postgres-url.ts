// Postgres locations as users write them, and how they are shown back: a URL's password never
// reaches a message, a log or an error, wherever the URL or the password itself would appear.

/** True for a `postgres://` or `postgresql://` URL: the store location that selects Postgres. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The URL with its password replaced by `***`; an unparsable URL is shown only by its scheme. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return `${url.split(":")[0] ?? "postgres"}://(unparsable URL)`;
  }
}

/** `text` with the URL's password (raw and percent-decoded) and the URL itself replaced by their redacted forms. */
export function withoutPassword(text: string, url: string): string {
  const out = text.split(url).join(redactUrl(url));
  const password = passwordOf(url);
  return [password, safeDecode(password)].filter((secret) => secret.length > 0).reduce((masked, secret) => masked.split(secret).join("***"), out);
}

function passwordOf(url: string): string {
  try {
    return new URL(url).password;
  } catch {
    return "";
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
