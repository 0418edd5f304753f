// A dashboard session over plain HTTP, as a browser would hold it: the login form's CSRF cookie,
// the session cookie, and the CSRF token every form of the dashboard carries.

export interface DashboardSession {
  cookie: string;
  csrf: string;
}

function cookieValue(res: Response, name: string): string | undefined {
  for (const c of res.headers.getSetCookie()) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return m[1];
  }
  return undefined;
}

/** The value of a hidden `_csrf` field in a page. */
export function csrfOf(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!m?.[1]) throw new Error(`no CSRF field in the page:\n${page.slice(0, 2000)}`);
  return m[1];
}

export async function dashboardLogin(url: string, token: string): Promise<DashboardSession> {
  const form = await fetch(`${url}/login`);
  const loginCookie = cookieValue(form, "tierci_login");
  const res = await fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: `tierci_login=${loginCookie ?? ""}` },
    body: new URLSearchParams({ _csrf: csrfOf(await form.text()), token, next: "/" }).toString(),
  });
  const session = cookieValue(res, "tierci_session");
  if (res.status !== 303 || !session) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = `tierci_session=${session}`;
  const home = await fetch(`${url}/`, { headers: { cookie, accept: "text/html" } });
  return { cookie, csrf: csrfOf(await home.text()) };
}

/** A form posted with the session's cookie; the CSRF field is the session's unless given. */
export function postForm(url: string, path: string, session: DashboardSession | undefined, fields: Record<string, string> = {}): Promise<Response> {
  const body = new URLSearchParams({ ...(session ? { _csrf: session.csrf } : {}), ...fields }).toString();
  return fetch(`${url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(session ? { cookie: session.cookie } : {}) },
    body,
  });
}
