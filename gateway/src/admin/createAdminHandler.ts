// The audit pages at /admin/ (DESIGN.md "Who uses it", 3): for administrators holding an `audit:read`
// token. Plain server-rendered HTML, no script, no external asset, so they work on a closed network.
// Every read of the audit through these pages is itself audited, exactly like a GraphQL read: the
// record is committed before the page is sent, and if it cannot be, nothing is shown (fail closed).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONWebKeySet } from 'jose';
import type { Logger } from '../../../lib/logger.ts';
import { AuditQueryError } from '../audit/errors.ts';
import type { AuditOutcome, AuditStore } from '../audit/types.ts';
import type { ClientIdentity } from '../context.ts';
import {
  chainSection,
  chartsSection,
  messagePage,
  queryString,
  resultsTable,
  type SearchParams,
  searchPage,
  signInPage,
  timelinePage,
} from './adminPages.ts';
import { collectEvents, readForm, redirect, sendAsset, sendFile, sendPage } from './adminResponses.ts';
import {
  isSameOrigin,
  isSessionPost,
  type PageSession,
  pageSessionOf,
  SESSION_COOKIE,
  sessionCookie,
} from './adminSession.ts';
import { auditCharts, CHART_DAYS, TIMELINE_DAYS, timelineChart } from './auditCharts.ts';
import { auditCsv } from './auditCsv.ts';
import { chainVerdict, chainVerdictHtml, type LatestCheckpoint, type Verification } from './chainVerdict.ts';
import { FAVICON_SVG, html, layout, type SafeHtml } from './html.ts';
import { inclusionMarks } from './inclusionMarks.ts';
import { langCookie, langOf } from './locale.ts';
import { DAY_MS } from './localTime.ts';
import { filterOf, searchParamsOf } from './searchFilter.ts';
import { type Naming, type Vocabulary, vocabulary } from './vocabulary.ts';

export interface AdminHandlerOptions extends Naming {
  readonly store: AuditStore;
  /** Verifies a bare client token exactly as /graphql does; rejects when it is not valid. */
  readonly verifyToken: (token: string) => Promise<ClientIdentity>;
  /** Keys that verify checkpoint signatures: the gateway's published JWKS, retired keys included. */
  readonly checkpointJwks: JSONWebKeySet;
  readonly logger: Logger;
  /** Adds `Secure` to the session cookie, for pages served over HTTPS; default false. */
  readonly secureCookie?: boolean;
  /** The newest checkpoint the audit store reports, shown with the chain verdict; default none. */
  readonly latestCheckpoint?: () => Promise<LatestCheckpoint | undefined>;
}

/** Records per page of search results and of a timeline. */
const PAGE_SIZE = 50;
/** Records the CSV export reads at most; `npm run audit:export` archives everything. */
export const EXPORT_MAX = 10_000;
/** Records the charts read at most (newest first). */
const CHART_MAX = 2_000;
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

type Session = PageSession;

/** One request's language and the cookie that remembers a language chosen on the URL. */
interface Reply {
  readonly v: Vocabulary;
  readonly headers: Record<string, string>;
}

export function createAdminHandler(options: AdminHandlerOptions) {
  // The last verification this process ran; each replica shows its own.
  const state: { last?: Verification } = {};
  const show = (
    res: ServerResponse,
    reply: Reply,
    status: number,
    title: string,
    body: SafeHtml,
    session?: Session,
  ) =>
    sendPage(
      res,
      status,
      layout(
        { title, lang: reply.v.lang, signedInAs: session?.identity.clientId, csrf: session?.csrf },
        body,
      ),
      reply.headers,
    );
  const message = (
    res: ServerResponse,
    reply: Reply,
    status: number,
    title: string,
    text: string,
    session?: Session,
  ) => show(res, reply, status, title, messagePage(title, text, reply.v), session);
  const queryError = (reply: Reply, error: AuditQueryError) =>
    reply.v.t.badArgument(error.argument, error.message);

  /** Commits the record of one admin read; false (and a 503 page sent) when it could not be. */
  const audited = async (
    res: ServerResponse,
    reply: Reply,
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
      const t = reply.v.t;
      message(res, reply, 503, t.auditUnavailable, t.auditUnavailableText, session);
      return false;
    }
  };

  const sessionOf = (req: IncomingMessage) =>
    pageSessionOf(req, { cookieName: SESSION_COOKIE, scope: 'audit:read', verifyToken: options.verifyToken });

  const signIn = async (req: IncomingMessage, res: ServerResponse, reply: Reply) => {
    const t = reply.v.t;
    if (!isSameOrigin(req)) return show(res, reply, 403, t.refused, signInPage(reply.v, t.signInHere));
    const token = (await readForm(req)).get('token')?.trim() ?? '';
    let identity: ClientIdentity;
    try {
      identity = await options.verifyToken(token);
    } catch {
      return show(res, reply, 401, t.signIn, signInPage(reply.v, t.tokenInvalid));
    }
    // A citizen's token (citizen:self) has no audit:read: it is refused here like any other.
    if (!identity.scopes.has('audit:read')) {
      return show(res, reply, 403, t.signIn, signInPage(reply.v, t.lacksAuditScope));
    }
    const maxAgeSeconds = identity.expiresAt - Date.now() / 1000;
    const cookie = sessionCookie(token, { secure: options.secureCookie ?? false, maxAgeSeconds });
    redirect(res, '/admin/', { 'set-cookie': cookie });
  };

  const charts = async (reply: Reply) => {
    const now = new Date();
    const from = new Date(now.getTime() - CHART_DAYS * DAY_MS).toISOString();
    const { events, capped } = await collectEvents(options.store, { from }, CHART_MAX);
    return chartsSection(auditCharts(events, capped, now, reply.v), reply.v);
  };

  const chain = async (reply: Reply, session: Session) => {
    const checkpoint = await options.latestCheckpoint?.();
    const verdict = chainVerdictHtml(chainVerdict(state.last, checkpoint, reply.v.t));
    return chainSection(verdict, session.csrf, reply.v);
  };

  const search = async (res: ServerResponse, reply: Reply, session: Session, url: URL) => {
    const params = searchParamsOf(url.searchParams);
    let results: SafeHtml;
    let status = 200;
    try {
      const connection = await options.store.query(filterOf(params), {
        first: PAGE_SIZE,
        after: url.searchParams.get('after'),
      });
      const next = connection.pageInfo.hasNextPage
        ? `/admin/${queryString({ ...params, after: connection.pageInfo.endCursor ?? undefined })}`
        : undefined;
      results = resultsTable(connection, next, `/admin/export.csv${queryString(params)}`, reply.v);
    } catch (error) {
      if (!(error instanceof AuditQueryError)) throw error;
      status = 400;
      results = html`<p class="bad" role="alert">${queryError(reply, error)}</p>`;
    }
    const [chainHtml, chartsHtml] = [await chain(reply, session), await charts(reply)];
    if (!(await audited(res, reply, session, 'search', SHOWN, status === 200 ? 'ok' : 'error'))) return;
    const body = searchPage({ params, results, chain: chainHtml, charts: chartsHtml }, reply.v);
    show(res, reply, status, reply.v.t.searchTitle, body, session);
  };

  const timeline = async (res: ServerResponse, reply: Reply, session: Session, url: URL) => {
    const given = url.searchParams.get('subject') ?? '';
    const t = reply.v.t;
    try {
      const filter = filterOf({ subject: given });
      const after = url.searchParams.get('after');
      const connection = await options.store.query(filter, { first: PAGE_SIZE, after });
      const nextHref = connection.pageInfo.hasNextPage
        ? `/admin/timeline${queryString({ subject: given, after: connection.pageInfo.endCursor ?? undefined })}`
        : undefined;
      const now = new Date();
      const from = new Date(now.getTime() - TIMELINE_DAYS * DAY_MS).toISOString();
      const { events } = await collectEvents(options.store, { ...filter, from }, CHART_MAX);
      const chart = timelineChart(events, now, `${t.timelineTitle} ${filter.subject}`, reply.v);
      // Each listed record's "verified in the log" mark, as on the citizen's page.
      const marks = await inclusionMarks(
        options.store,
        connection.edges.map((e) => e.node),
        options.checkpointJwks.keys,
        options.logger,
      );
      if (!(await audited(res, reply, session, 'timeline', SHOWN))) return;
      const body = timelinePage(filter.subject!, connection, { chart, marks, nextHref }, reply.v);
      show(res, reply, 200, t.timelineTitle, body, session);
    } catch (error) {
      if (!(error instanceof AuditQueryError)) throw error;
      if (!(await audited(res, reply, session, 'timeline', [], 'error'))) return;
      message(res, reply, 400, t.timelineTitle, queryError(reply, error), session);
    }
  };

  const exportCsv = async (res: ServerResponse, reply: Reply, session: Session, url: URL) => {
    const params: SearchParams = searchParamsOf(url.searchParams);
    try {
      const { events } = await collectEvents(options.store, filterOf(params), EXPORT_MAX);
      const csv = auditCsv(events);
      if (!(await audited(res, reply, session, 'export', SHOWN))) return;
      const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
      sendFile(res, csv, 'text/csv; charset=utf-8', `audit-${stamp}.csv`);
    } catch (error) {
      if (!(error instanceof AuditQueryError)) throw error;
      message(res, reply, 400, reply.v.t.exportCsv, queryError(reply, error), session);
    }
  };

  const verifyChain = async (res: ServerResponse, reply: Reply, session: Session) => {
    const report = await options.store.verify(options.checkpointJwks);
    if (!(await audited(res, reply, session, 'verify', []))) return;
    state.last = { at: new Date(), by: session.identity.clientId, report };
    redirect(res, '/admin/#chain');
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    const route = `${req.method} ${url.pathname}`;
    const choice = langOf(req, url);
    const reply: Reply = {
      v: vocabulary(choice.lang, options),
      headers: choice.chosen ? { 'set-cookie': langCookie(choice.lang, '/admin') } : {},
    };
    const t = reply.v.t;
    if (url.pathname === '/admin') return redirect(res, '/admin/');
    if (route === 'GET /admin/favicon.svg') return sendAsset(res, FAVICON_SVG, 'image/svg+xml');
    if (route === 'POST /admin/login') return signIn(req, res, reply);
    const session = await sessionOf(req);
    if (session === 'none') {
      if (route === 'GET /admin/') return show(res, reply, 200, t.signIn, signInPage(reply.v));
      return redirect(res, '/admin/');
    }
    if (session === 'forbidden') return message(res, reply, 403, t.refused, t.lacksAuditScope);
    if (req.method === 'POST') {
      // Same origin and the session's form token: a forged cross-site form fails both.
      const form = await readForm(req);
      if (!isSessionPost(req, session, form)) {
        return message(res, reply, 403, t.refused, t.formExpired, session);
      }
      if (url.pathname === '/admin/logout') {
        return redirect(res, '/admin/', {
          'set-cookie': sessionCookie('', { secure: options.secureCookie ?? false, maxAgeSeconds: 0 }),
        });
      }
      if (url.pathname === '/admin/verify') return verifyChain(res, reply, session);
    }
    if (route === 'GET /admin/') return search(res, reply, session, url);
    if (route === 'GET /admin/timeline') return timeline(res, reply, session, url);
    if (route === 'GET /admin/export.csv') return exportCsv(res, reply, session, url);
    message(res, reply, 404, t.notFound, t.noSuchPage, session);
  };
}
