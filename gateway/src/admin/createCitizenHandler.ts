// The citizen's page at /cong-dan/ (DESIGN.md "Who uses it", 3): a citizen signs in with the
// `citizen:self` token a VNeID-like app hands over and sees who read their data. Same security as the
// admin pages — an HttpOnly, SameSite=Strict cookie of its own path, Origin and form-token checks on
// every POST, the strict CSP, no script — and each way across is closed: an administrator's token is
// refused here, and a citizen's token has no audit:read for the admin pages. The history is read
// with the store's accessHistory (officers' names stripped) and the read itself is audited before
// the page is sent, exactly like `myAccessHistory`; if it cannot be, nothing is shown. Each access
// listed carries its "verified in the log" mark, checked here against the signed checkpoint
// (inclusionMarks.ts), so the citizen need not trust the database the page was read from.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONWebKeySet } from 'jose';
import type { Logger } from '../../../lib/logger.ts';
import { AuditQueryError } from '../audit/errors.ts';
import type { AuditEvent, AuditStore } from '../audit/types.ts';
import type { ClientIdentity } from '../context.ts';
import { messagePage } from './adminPages.ts';
import { readForm, redirect, sendAsset, sendPage } from './adminResponses.ts';
import {
  CITIZEN_SESSION_COOKIE,
  isSameOrigin,
  isSessionPost,
  type PageSession,
  pageSessionOf,
  sessionCookie,
} from './adminSession.ts';
import { TIMELINE_DAYS, timelineChart } from './auditCharts.ts';
import { citizenHistoryPage, citizenSignInPage } from './citizenPages.ts';
import { FAVICON_SVG, layout, type SafeHtml } from './html.ts';
import { inclusionMarks } from './inclusionMarks.ts';
import { langCookie, langOf } from './locale.ts';
import { DAY_MS } from './localTime.ts';
import { type Naming, type Vocabulary, vocabulary } from './vocabulary.ts';

export interface CitizenHandlerOptions extends Naming {
  readonly store: AuditStore;
  /** Verifies a bare client token exactly as /graphql does; rejects when it is not valid. */
  readonly verifyToken: (token: string) => Promise<ClientIdentity>;
  /** Keys that verify checkpoint signatures: the gateway's published JWKS, retired keys included. */
  readonly checkpointJwks: JSONWebKeySet;
  readonly logger: Logger;
  /** Adds `Secure` to the session cookie, for pages served over HTTPS; default false. */
  readonly secureCookie?: boolean;
}

const PATH = '/cong-dan';
/** Accesses listed per page. */
const PAGE_SIZE = 50;
/** Accesses the chart reads at most, newest first, within TIMELINE_DAYS. */
const CHART_MAX = 1_000;
/** What the page shows of each record, recorded as the fields served (as `myAccessHistory` would). */
const SHOWN = [
  'AuditEvent.at',
  'AuditEvent.clientId',
  'AuditEvent.denied',
  'AuditEvent.dossierId',
  'AuditEvent.fields',
  'AuditEvent.outcome',
  'AuditEvent.procedureCode',
  'Query.myAccessHistory',
];

/** The citizen's own 12-digit id is the identity's clientId: the token's subject, checked by the verifier. */
type Session = PageSession;

/** The newest accesses within the chart's days, page by page through the citizen's own history. */
async function recentAccesses(store: AuditStore, subject: string, since: number): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.accessHistory(subject, { first: 100, after });
    for (const { node } of page.edges) {
      if (Date.parse(node.at) < since || events.length >= CHART_MAX) return events;
      events.push(node);
    }
    if (!page.pageInfo.hasNextPage) return events;
    after = page.pageInfo.endCursor;
  }
}

export function createCitizenHandler(options: CitizenHandlerOptions) {
  const cookie = (token: string, maxAgeSeconds: number) =>
    sessionCookie(token, {
      name: CITIZEN_SESSION_COOKIE,
      path: PATH,
      secure: options.secureCookie ?? false,
      maxAgeSeconds,
    });
  const show = (
    res: ServerResponse,
    v: Vocabulary,
    headers: Record<string, string>,
    status: number,
    body: SafeHtml,
    session?: Session,
  ) =>
    sendPage(
      res,
      status,
      layout(
        {
          title: v.t.citizenTitle,
          lang: v.lang,
          area: PATH,
          signedInAs: session?.identity.clientId,
          csrf: session?.csrf,
        },
        body,
      ),
      headers,
    );

  // Only a citizen token: the verifier guarantees its subject is a citizen id and its only scope.
  const sessionOf = (req: IncomingMessage) =>
    pageSessionOf(req, {
      cookieName: CITIZEN_SESSION_COOKIE,
      scope: 'citizen:self',
      verifyToken: options.verifyToken,
    });

  const signIn = async (req: IncomingMessage, res: ServerResponse, v: Vocabulary) => {
    if (!isSameOrigin(req)) return show(res, v, {}, 403, citizenSignInPage(v, v.t.signInHere));
    const token = (await readForm(req)).get('token')?.trim() ?? '';
    let identity: ClientIdentity;
    try {
      identity = await options.verifyToken(token);
    } catch {
      return show(res, v, {}, 401, citizenSignInPage(v, v.t.tokenInvalid));
    }
    if (!identity.scopes.has('citizen:self')) {
      return show(res, v, {}, 403, citizenSignInPage(v, v.t.lacksCitizenScope));
    }
    redirect(res, `${PATH}/`, { 'set-cookie': cookie(token, identity.expiresAt - Date.now() / 1000) });
  };

  const history = async (
    res: ServerResponse,
    v: Vocabulary,
    headers: Record<string, string>,
    session: Session,
    url: URL,
  ) => {
    const subject = `Citizen:${session.identity.clientId}`;
    let body: SafeHtml;
    let status = 200;
    try {
      const connection = await options.store.accessHistory(subject, {
        first: PAGE_SIZE,
        after: url.searchParams.get('after'),
      });
      const now = new Date();
      const events = await recentAccesses(options.store, subject, now.getTime() - TIMELINE_DAYS * DAY_MS);
      // Drawn narrow: most citizens open this page on a phone.
      const chart = timelineChart(events, now, v.t.citizenChartTitle, v, 400);
      const next = connection.pageInfo.endCursor;
      const nextHref =
        connection.pageInfo.hasNextPage && next
          ? `${PATH}/?${new URLSearchParams({ after: next })}`
          : undefined;
      // One proof per record listed, so at most PAGE_SIZE short reads, each O(log n) rows.
      const marks = await inclusionMarks(
        options.store,
        connection.edges.map((e) => e.node),
        options.checkpointJwks.keys,
        options.logger,
      );
      body = citizenHistoryPage(connection, { chart, marks, nextHref }, v);
    } catch (error) {
      if (!(error instanceof AuditQueryError)) throw error;
      status = 400;
      body = messagePage(v.t.citizenTitle, v.t.badArgument(error.argument, error.message), v, `${PATH}/`);
    }
    try {
      await options.store.append({
        requestId: session.requestId,
        clientId: session.identity.clientId,
        officer: null,
        operationName: 'citizen.history',
        operationHash: createHash('sha256').update('citizen.history').digest('hex'),
        fields: status === 200 ? SHOWN : [],
        denied: [],
        subjects: [],
        sources: [],
        outcome: status === 200 ? 'ok' : 'error',
        durationMs: performance.now() - session.startedAt,
      });
    } catch (error) {
      options.logger.error(
        { rid: session.requestId, err: (error as Error).name },
        'citizen read not audited',
      );
      const page = messagePage(v.t.auditUnavailable, v.t.auditUnavailableText, v, `${PATH}/`);
      return show(res, v, headers, 503, page, session);
    }
    show(res, v, headers, status, body, session);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://citizen.invalid');
    const route = `${req.method} ${url.pathname}`;
    const choice = langOf(req, url);
    const v = vocabulary(choice.lang, options);
    const headers: Record<string, string> = choice.chosen
      ? { 'set-cookie': langCookie(choice.lang, PATH) }
      : {};
    if (url.pathname === PATH) return redirect(res, `${PATH}/`);
    if (route === `GET ${PATH}/favicon.svg`) return sendAsset(res, FAVICON_SVG, 'image/svg+xml');
    if (route === `POST ${PATH}/login`) return signIn(req, res, v);
    const session = await sessionOf(req);
    if (session === 'none') {
      if (route === `GET ${PATH}/`) return show(res, v, headers, 200, citizenSignInPage(v));
      return redirect(res, `${PATH}/`);
    }
    if (session === 'forbidden') {
      return show(res, v, headers, 403, messagePage(v.t.refused, v.t.lacksCitizenScope, v, `${PATH}/`));
    }
    if (req.method === 'POST') {
      const form = await readForm(req);
      if (!isSessionPost(req, session, form)) {
        return show(res, v, headers, 403, messagePage(v.t.refused, v.t.formExpired, v, `${PATH}/`), session);
      }
      if (url.pathname === `${PATH}/logout`)
        return redirect(res, `${PATH}/`, { 'set-cookie': cookie('', 0) });
    }
    if (route === `GET ${PATH}/`) return history(res, v, headers, session, url);
    show(res, v, headers, 404, messagePage(v.t.notFound, v.t.noSuchPage, v, `${PATH}/`), session);
  };
}
