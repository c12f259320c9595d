// The pages' session: the administrator's own `audit:read` token (or, on the citizen's page, the
// citizen's `citizen:self` token, in a cookie of its own), pasted once into the sign-in form and then
// kept in a cookie that only the browser holds and only /admin (or /cong-dan) receives:
//  - HttpOnly: no script can read it (and the pages run none);
//  - SameSite=Strict: no other site's link or form makes the browser send it, which with the Origin
//    check on every POST and a per-session form token closes cross-site request forgery;
//  - Path=/admin: /graphql never sees it, so a cookie can never stand in for a bearer token there;
//  - no Secure flag: the gateway speaks plain HTTP inside the closed network (TLS ends in front of it),
//    where a Secure cookie would never come back; `secureCookie` adds it behind HTTPS.
// The token is verified again on every request, so its expiry and key rotation apply as on /graphql;
// nothing is stored server-side, so every gateway replica accepts the same session.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ClientIdentity } from '../context.ts';

export const SESSION_COOKIE = 'lienthong_admin';

/** The citizen's page keeps its own cookie, on its own path: neither page ever receives the other's. */
export const CITIZEN_SESSION_COOKIE = 'lienthong_citizen';

export interface CookieScope {
  /** Default the admin pages' cookie. */
  readonly name?: string;
  /** Default `/admin`. */
  readonly path?: string;
}

export function sessionTokenOf(
  req: IncomingMessage,
  cookieName: string = SESSION_COOKIE,
): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === cookieName) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        // A mangled cookie is no session: the sign-in page, not a 500.
        return undefined;
      }
    }
  }
  return undefined;
}

export function sessionCookie(
  token: string,
  options: { secure: boolean; maxAgeSeconds: number } & CookieScope,
): string {
  const value = token === '' ? '' : encodeURIComponent(token);
  return [
    `${options.name ?? SESSION_COOKIE}=${value}`,
    `Path=${options.path ?? '/admin'}`,
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * The form token of a session: derived from the session token, which another site cannot read, so it
 * cannot be forged there; and the same on every replica, with no server-side state.
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHash('sha256').update(`lienthong-admin-csrf\0${sessionToken}`).digest('base64url');
}

export function csrfMatches(sessionToken: string, given: string | undefined): boolean {
  if (!given) return false;
  const expected = Buffer.from(csrfTokenOf(sessionToken));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * A state-changing request must come from these pages: its Origin names this host, or (browsers that
 * send no Origin) Fetch Metadata says same-origin. A request with neither is refused.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }
  return req.headers['sec-fetch-site'] === 'same-origin';
}

/** A request's signed-in session on one of the pages (admin or citizen). */
export interface PageSession {
  readonly identity: ClientIdentity;
  /** The session's bare token, as its cookie holds it. */
  readonly token: string;
  readonly csrf: string;
  /** The gateway names the audit record of each page read itself, as on /graphql. */
  readonly requestId: string;
  readonly startedAt: number;
}

/**
 * The session a request's cookie carries: 'none' without a cookie or with one whose token no longer
 * verifies (expired, rotated out, mangled), 'forbidden' for a valid token without the page's scope.
 */
export async function pageSessionOf(
  req: IncomingMessage,
  page: {
    readonly cookieName: string;
    readonly scope: string;
    readonly verifyToken: (token: string) => Promise<ClientIdentity>;
  },
): Promise<PageSession | 'none' | 'forbidden'> {
  const token = sessionTokenOf(req, page.cookieName);
  if (!token) return 'none';
  let identity: ClientIdentity;
  try {
    identity = await page.verifyToken(token);
  } catch {
    return 'none';
  }
  if (!identity.scopes.has(page.scope)) return 'forbidden';
  return { identity, token, csrf: csrfTokenOf(token), requestId: randomUUID(), startedAt: performance.now() };
}

/** A POST of a signed-in page: from this host, carrying the session's form token. */
export function isSessionPost(req: IncomingMessage, session: PageSession, form: URLSearchParams): boolean {
  return isSameOrigin(req) && csrfMatches(session.token, form.get('csrf') ?? undefined);
}
