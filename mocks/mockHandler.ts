// The request path shared by the five mocks: public routes, then the API key, then admin routes or
// the source's /api/ routes behind fault injection, with counters and a Prometheus metric.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counter } from 'prom-client';
import { BodyTooLargeError, type RequestHandler, readJson, sendJson } from '../lib/httpServer.ts';
import type { Logger } from '../lib/logger.ts';
import type { ChangeLog } from './changes.ts';
import { type FaultInjector, faultsPatchSchema } from './faults.ts';
import { errorBody, type Route, type SourceDefinition } from './route.ts';
import type { Stats } from './stats.ts';

const MAX_BODY_BYTES = 1024 * 1024;

export interface MockHandlerDeps {
  readonly definition: SourceDefinition;
  readonly apiKey: string;
  readonly faults: FaultInjector;
  readonly stats: Stats;
  readonly changes: ChangeLog;
  readonly logger: Logger;
  /** lienthong_mock_requests_total{route,outcome}. */
  readonly requests: Counter<'route' | 'outcome'>;
  /** GET routes served without the API key (the results registry's JWKS). */
  readonly publicRoutes?: Readonly<Record<string, () => unknown>>;
  /** Keep-alive interval of the event stream, ms. */
  readonly keepAliveMs?: number;
}

interface CompiledRoute {
  readonly route: Route;
  readonly label: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, label: `${route.method} ${route.path}`, pattern: new RegExp(`^${source}$`), names };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export function mockHandler(deps: MockHandlerDeps): RequestHandler {
  const routes = deps.definition.routes.map(compile);
  const expected = digest(`Bearer ${deps.apiKey}`);
  // Hashing both sides first gives equal lengths, so the comparison takes the same time for any guess.
  const authorized = (req: IncomingMessage) =>
    timingSafeEqual(digest(req.headers.authorization ?? ''), expected);

  return async (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const method = req.method ?? 'GET';
    const publicRoute = method === 'GET' ? deps.publicRoutes?.[path] : undefined;
    if (publicRoute) {
      sendJson(res, 200, publicRoute());
      return true;
    }
    if (!path.startsWith('/api/') && !path.startsWith('/__admin/')) return false;
    if (!authorized(req)) {
      deps.requests.inc({ route: 'any', outcome: 'unauthorized' });
      sendJson(
        res,
        401,
        errorBody('KHONG_XAC_THUC', 'A valid API key is required (Authorization: Bearer …).'),
        {
          'www-authenticate': 'Bearer',
        },
      );
      return true;
    }
    if (path.startsWith('/__admin/')) return admin(req, res, path, deps);
    if (method === 'GET' && path === '/api/v1/su-kien') {
      deps.changes.serve(res, deps.keepAliveMs);
      return true;
    }
    for (const compiled of routes) {
      const match = compiled.route.method === method ? compiled.pattern.exec(path) : null;
      if (match) {
        const params = decodeParams(compiled.names, match);
        if (!params) break;
        await serveRoute(req, res, compiled, params, deps);
        return true;
      }
    }
    sendJson(res, 404, errorBody('KHONG_TIM_THAY', 'No such route.'));
    return true;
  };
}

function decodeParams(names: readonly string[], match: RegExpExecArray): Record<string, string> | undefined {
  try {
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
  } catch {
    return undefined; // a malformed %-escape names no record
  }
}

async function serveRoute(
  req: IncomingMessage,
  res: ServerResponse,
  compiled: CompiledRoute,
  params: Record<string, string>,
  deps: MockHandlerDeps,
): Promise<void> {
  deps.stats.request(compiled.label);
  const count = (outcome: string) => deps.requests.inc({ route: compiled.label, outcome });
  const fault = await deps.faults.apply(res);
  if (fault === 'timeout' || fault === 'gone') return count(fault);
  if (fault === 'error') {
    count('injected_error');
    return sendJson(res, deps.faults.get().errorStatus, errorBody('LOI_GIA_LAP', 'Injected fault.'));
  }
  let body: unknown;
  if (compiled.route.method === 'POST') {
    try {
      body = await readJson(req, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      count('client_error');
      return sendJson(res, 413, errorBody('QUA_GIOI_HAN', `The body is over ${MAX_BODY_BYTES} bytes.`));
    }
    if (body === undefined) {
      count('client_error');
      return sendJson(res, 400, errorBody('YEU_CAU_KHONG_HOP_LE', 'The body is not valid JSON.'));
    }
  }
  const result = await compiled.route.handle({ body, params });
  if (result.keys !== undefined) deps.stats.keys(result.keys);
  count(result.status < 400 ? 'ok' : 'client_error');
  deps.logger.debug({ route: compiled.label, status: result.status }, 'mock request');
  sendJson(res, result.status, result.body);
}

async function admin(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  deps: MockHandlerDeps,
): Promise<true> {
  try {
    await adminRoute(req, res, `${req.method} ${path}`, deps);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    sendJson(res, 413, errorBody('QUA_GIOI_HAN', `The body is over ${MAX_BODY_BYTES} bytes.`));
  }
  return true;
}

async function adminRoute(
  req: IncomingMessage,
  res: ServerResponse,
  key: string,
  deps: MockHandlerDeps,
): Promise<void> {
  if (key === 'GET /__admin/faults') sendJson(res, 200, deps.faults.get());
  else if (key === 'GET /__admin/stats') sendJson(res, 200, deps.stats.snapshot());
  else if (key === 'POST /__admin/stats/reset') {
    deps.stats.reset();
    sendJson(res, 200, deps.stats.snapshot());
  } else if (key === 'PUT /__admin/faults') {
    const parsed = faultsPatchSchema.safeParse(await readJson(req, MAX_BODY_BYTES));
    if (!parsed.success)
      sendJson(
        res,
        400,
        errorBody(
          'YEU_CAU_KHONG_HOP_LE',
          'Expected { delayMs, jitterMs, errorRate, errorStatus, timeoutRate }.',
        ),
      );
    else sendJson(res, 200, deps.faults.set(parsed.data));
  } else if (key === 'POST /__admin/cap-nhat') {
    const body = (await readJson(req, MAX_BODY_BYTES)) as { loai?: unknown; ma?: unknown } | undefined;
    const outcome = touchRecord(deps, body?.loai, body?.ma);
    if (outcome === 'unknown-kind')
      sendJson(
        res,
        400,
        errorBody(
          'YEU_CAU_KHONG_HOP_LE',
          `"loai" must be one of ${Object.keys(deps.definition.entities).join(', ')}.`,
        ),
      );
    else if (outcome === 'not-found') sendJson(res, 404, errorBody('KHONG_TIM_THAY', 'No such record.'));
    else sendJson(res, 200, outcome);
  } else sendJson(res, 404, errorBody('KHONG_TIM_THAY', 'No such route.'));
}

export function touchRecord(
  deps: Pick<MockHandlerDeps, 'definition' | 'changes'>,
  loai: unknown,
  ma: unknown,
) {
  const exists = typeof loai === 'string' ? deps.definition.entities[loai] : undefined;
  if (!exists) return 'unknown-kind' as const;
  if (typeof ma !== 'string' || !exists(ma)) return 'not-found' as const;
  return deps.changes.touch(loai as string, ma);
}
