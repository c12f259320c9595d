// How the admin pages answer: security headers on every response, the request's form body, and
// reading more than one page of the audit for the chart and the CSV export.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../../../lib/httpServer.ts';
import type { AuditEvent, AuditFilter, AuditStore } from '../audit/types.ts';
import { CONTENT_SECURITY_POLICY } from './html.ts';

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Subject searches put an identifier in the URL: it must not travel on in a Referer.
  'referrer-policy': 'no-referrer',
  // Audit pages hold personal data: no copy in a browser or proxy cache.
  'cache-control': 'no-store',
} as const;

export function sendPage(
  res: ServerResponse,
  status: number,
  page: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(page),
    ...headers,
  });
  res.end(page);
}

export function sendFile(res: ServerResponse, body: string, type: string, filename: string): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-disposition': `attachment; filename="${filename}"`,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendAsset(res: ServerResponse, body: string, type: string): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'cache-control': 'public, max-age=86400',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** 303 See Other: the browser follows with a GET, so a reload never repeats a POST. */
export function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { ...SECURITY_HEADERS, location, 'content-length': 0, ...headers });
  res.end();
}

/** A small urlencoded form (sign-in token, CSRF token); anything else reads as empty. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  const body = await readBody(req, 16_384);
  return type.startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(body.toString('utf8'))
    : new URLSearchParams();
}

/** Newest first, page by page, up to `max` records; `capped` when more were left unread. */
export async function collectEvents(
  store: AuditStore,
  filter: AuditFilter,
  max: number,
): Promise<{ events: AuditEvent[]; capped: boolean }> {
  const events: AuditEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.query(filter, { first: Math.min(100, max - events.length), after });
    events.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return { events, capped: false };
    if (events.length >= max) return { events, capped: true };
    after = page.pageInfo.endCursor;
  }
}
