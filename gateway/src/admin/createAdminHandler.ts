// The audit pages at /admin/ (DESIGN.md "Who uses it", 3): for administrators holding an `audit:read`
// token. Plain server-rendered HTML, no script, no external asset, so they work on a closed network.
// Every read of the audit through these pages is itself audited, exactly like a GraphQL read: the
// record is committed before the page is sent, and if it cannot be, nothing is shown (fail closed).
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONWebKeySet } from 'jose';
import type { Logger } from '../../../lib/logger.ts';
import { AuditQueryError } from '../audit/errors.ts';
import type { AuditOutcome, AuditStore } from '../audit/types.ts';
import type { ClientIdentity } from '../context.ts';
import {
  chainStatus,
  messagePage,
  queryString,
  resultsTable,
  type SearchParams,
  searchPage,
  signInPage,
  timelinePage,
  type Verification,
  volumeSection,
} from './adminPages.ts';
import { collectEvents, readForm, redirect, sendAsset, sendFile, sendPage } from './adminResponses.ts';
import { csrfMatches, csrfTokenOf, isSameOrigin, sessionCookie, sessionTokenOf } from './adminSession.ts';
import { auditCsv } from './auditCsv.ts';
import { FAVICON_SVG, html, layout } from './html.ts';
import { filterOf, searchParamsOf } from './searchFilter.ts';
import { countByClientAndDay } from './volumeChart.ts';

export interface AdminHandlerOptions {
  readonly store: AuditStore;
  /** Verifies a bare client token exactly as /graphql does; rejects when it is not valid. */
  readonly verifyToken: (token: string) => Promise<ClientIdentity>;
  /** Keys that verify checkpoint signatures: the gateway's published JWKS, retired keys included. */
  readonly checkpointJwks: JSONWebKeySet;
  readonly logger: Logger;
  /** Adds `Secure` to the session cookie, for pages served over HTTPS; default false. */
  readonly secureCookie?: boolean;
}

/** Records per page of search results and of a timeline. */
const PAGE_SIZE = 50;
/** Records the CSV export reads at most; `npm run audit:export` archives everything. */
export const EXPORT_MAX = 10_000;
/** Records the volume chart reads at most (newest first), and the days it covers. */
const VOLUME_MAX = 2_000;
const VOLUME_DAYS = 14;
/** The AuditEvent coordinates these pages show, recorded as the fields served. */
const SHOWN = [
  'AuditEvent.at',
  'AuditEvent.clientId',
  'AuditEvent.denied',
  'AuditEvent.dossierId',
  'AuditEvent.fields',
  'AuditEvent.officer',
  'AuditEvent.outcome',
  'AuditEvent.procedureCode',
  'AuditEvent.subjects',
  'Query.auditEvents',
];

interface Session {
  readonly identity: ClientIdentity;
  readonly csrf: string;
  readonly requestId: string;
  readonly startedAt: number;
}

export function createAdminHandler(options: AdminHandlerOptions) {
  // The last verification this process ran; each replica shows its own.
  const state: { last?: Verification } = {};
  const page = (session: Session | undefined, title: string, body: ReturnType<typeof html>) =>
    layout({ title, signedInAs: session?.identity.clientId, csrf: session?.csrf }, body);

  /** Commits the record of one admin read; false (and a 503 page sent) when it could not be. */
  const audited = async (
    res: ServerResponse,
    session: Session,
    action: string,
    fields: readonly string[],
    outcome: AuditOutcome = 'ok',
  ): Promise<boolean> => {
    try {
      await options.store.append({
        requestId: session.requestId,
        clientId: session.identity.clientId,
        officer: session.identity.officer ?? null,
        operationName: `admin.${action}`,
        operationHash: createHash('sha256').update(`admin.${action}`).digest('hex'),
        fields,
        denied: [],
        subjects: [],
        sources: [],
        outcome,
        durationMs: performance.now() - session.startedAt,
      });
      return true;
    } catch (error) {
      options.logger.error({ rid: session.requestId, err: (error as Error).name }, 'admin read not audited');
      const text =
        'The audit record of this read could not be written, so nothing is shown. Try again later.';
      sendPage(res, 503, page(session, 'Audit unavailable', messagePage('Audit unavailable', text)));
      return false;
    }
  };

  const sessionOf = async (req: IncomingMessage): Promise<Session | 'none' | 'forbidden'> => {
    const token = sessionTokenOf(req);
    if (!token) return 'none';
    let identity: ClientIdentity;
    try {
      identity = await options.verifyToken(token);
    } catch {
      return 'none';
    }
    if (!identity.scopes.has('audit:read')) return 'forbidden';
    const given = req.headers['x-request-id'];
    const requestId =
      typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
    return { identity, csrf: csrfTokenOf(token), requestId, startedAt: performance.now() };
  };

  const signIn = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isSameOrigin(req))
      return sendPage(res, 403, layout({ title: 'Refused' }, signInPage('Sign in from this page.')));
    const token = (await readForm(req)).get('token')?.trim() ?? '';
    let identity: ClientIdentity;
    try {
      identity = await options.verifyToken(token);
    } catch {
      return sendPage(
        res,
        401,
        layout({ title: 'Sign in' }, signInPage('That token is not valid or has expired.')),
      );
    }
    if (!identity.scopes.has('audit:read')) {
      return sendPage(
        res,
        403,
        layout({ title: 'Sign in' }, signInPage('That token lacks the audit:read scope.')),
      );
    }
    const maxAgeSeconds = identity.expiresAt - Date.now() / 1000;
    const cookie = sessionCookie(token, { secure: options.secureCookie ?? false, maxAgeSeconds });
    redirect(res, '/admin/', { 'set-cookie': cookie });
  };

  const search = async (res: ServerResponse, session: Session, url: URL) => {
    const params = searchParamsOf(url.searchParams);
    let results: ReturnType<typeof html>;
    let status = 200;
    try {
      const connection = await options.store.query(filterOf(params), {
        first: PAGE_SIZE,
        after: url.searchParams.get('after'),
      });
      const next = connection.pageInfo.hasNextPage
        ? `/admin/${queryString({ ...params, after: connection.pageInfo.endCursor ?? undefined })}`
        : undefined;
      results = resultsTable(connection, next, `/admin/export.csv${queryString(params)}`);
    } catch (error) {
      if (!(error instanceof AuditQueryError)) throw error;
      status = 400;
      results = html`<p class="bad" role="alert">${error.message}</p>`;
    }
    const now = new Date();
    const since = new Date(now.getTime() - VOLUME_DAYS * 86_400_000).toISOString();
    const { events, capped } = await collectEvents(options.store, { from: since }, VOLUME_MAX);
    const volume = volumeSection(countByClientAndDay(events, now, VOLUME_DAYS), events.length, capped);
    if (!(await audited(res, session, 'search', SHOWN, status === 200 ? 'ok' : 'error'))) return;
    const body = searchPage({ params, results, chain: chainStatus(state.last, session.csrf), volume });
    sendPage(res, status, page(session, 'Audit records', body));
  };

  const timeline = async (res: ServerResponse, session: Session, url: URL) => {
    const given = url.searchParams.get('subject') ?? '';
    try {
      const filter = filterOf({ subject: given });
      const after = url.searchParams.get('after');
      const connection = await options.store.query(filter, { first: PAGE_SIZE, after });
      const next = connection.pageInfo.hasNextPage
        ? `/admin/timeline${queryString({ subject: given, after: connection.pageInfo.endCursor ?? undefined })}`
        : undefined;
      if (!(await audited(res, session, 'timeline', SHOWN))) return;
      sendPage(res, 200, page(session, 'Timeline', timelinePage(filter.subject!, connection, next)));
    } catch (error) {
      if (!(error instanceof AuditQueryError)) throw error;
      if (!(await audited(res, session, 'timeline', [], 'error'))) return;
      sendPage(res, 400, page(session, 'Timeline', messagePage('Timeline', error.message)));
    }
  };

  const exportCsv = async (res: ServerResponse, session: Session, url: URL) => {
    const params: SearchParams = searchParamsOf(url.searchParams);
    try {
      const { events } = await collectEvents(options.store, filterOf(params), EXPORT_MAX);
      const csv = auditCsv(events);
      if (!(await audited(res, session, 'export', SHOWN))) return;
      const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
      sendFile(res, csv, 'text/csv; charset=utf-8', `audit-${stamp}.csv`);
    } catch (error) {
      if (!(error instanceof AuditQueryError)) throw error;
      sendPage(res, 400, page(session, 'Export', messagePage('Export', error.message)));
    }
  };

  const verifyChain = async (res: ServerResponse, session: Session) => {
    const report = await options.store.verify(options.checkpointJwks);
    if (!(await audited(res, session, 'verify', []))) return;
    state.last = { at: new Date(), by: session.identity.clientId, report };
    redirect(res, '/admin/#chain-status');
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    const route = `${req.method} ${url.pathname}`;
    if (url.pathname === '/admin') return redirect(res, '/admin/');
    if (route === 'GET /admin/favicon.svg') return sendAsset(res, FAVICON_SVG, 'image/svg+xml');
    if (route === 'POST /admin/login') return signIn(req, res);
    const session = await sessionOf(req);
    if (session === 'none') {
      if (route === 'GET /admin/') return sendPage(res, 200, layout({ title: 'Sign in' }, signInPage()));
      return redirect(res, '/admin/');
    }
    if (session === 'forbidden') {
      const text = 'Your token lacks the audit:read scope.';
      return sendPage(res, 403, layout({ title: 'Refused' }, messagePage('Refused', text)));
    }
    if (req.method === 'POST') {
      // Same origin and the session's form token: a forged cross-site form fails both.
      const form = await readForm(req);
      if (!isSameOrigin(req) || !csrfMatches(sessionTokenOf(req)!, form.get('csrf') ?? undefined)) {
        return sendPage(res, 403, page(session, 'Refused', messagePage('Refused', 'This form has expired.')));
      }
      if (url.pathname === '/admin/logout') {
        return redirect(res, '/admin/', {
          'set-cookie': sessionCookie('', { secure: options.secureCookie ?? false, maxAgeSeconds: 0 }),
        });
      }
      if (url.pathname === '/admin/verify') return verifyChain(res, session);
    }
    if (route === 'GET /admin/') return search(res, session, url);
    if (route === 'GET /admin/timeline') return timeline(res, session, url);
    if (route === 'GET /admin/export.csv') return exportCsv(res, session, url);
    sendPage(res, 404, page(session, 'Not found', messagePage('Not found', 'No such page.')));
  };
}
