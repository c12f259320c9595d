// results (Kho kết quả giải quyết TTHC): look-up by code and by subject, and the write API
// (issue, revoke, supersede) that the results subgraph calls.

import { z } from 'zod';
import { isResultCode } from '../../lib/ids.ts';
import { issueSchema, LOAI_KET_QUA, RegistryError, type ResultsRegistry } from '../resultsRegistry.ts';
import {
  badRequest,
  batchItems,
  batchKeys,
  errorBody,
  type Route,
  type RouteResult,
  type SourceDefinition,
} from '../route.ts';

const reasonSchema = z.object({ lyDo: z.string().trim().min(1).max(500) });
const supersedeSchema = reasonSchema.extend({ ketQuaMoi: issueSchema });

/** Names the fields that failed, never their values. */
function invalid(error: z.ZodError): RouteResult {
  const fields = [...new Set(error.issues.map((i) => i.path.join('.') || '(body)'))];
  return badRequest(`Invalid fields: ${fields.join(', ')}.`);
}

async function answer(action: () => Promise<unknown>, status: number): Promise<RouteResult> {
  try {
    return { status, body: await action() };
  } catch (error) {
    if (error instanceof RegistryError)
      return { status: error.status, body: errorBody(error.maLoi, error.message) };
    throw error;
  }
}

const notFound = (): RouteResult => ({
  status: 404,
  body: errorBody('KHONG_TIM_THAY', 'No result has this code.'),
});

export function resultsSource(registry: ResultsRegistry): SourceDefinition {
  const routes: Route[] = [
    {
      method: 'POST',
      path: '/api/v1/ket-qua/tra-cuu',
      handle: async ({ body }) => {
        const parsed = batchKeys(body, 'maKetQua');
        if ('error' in parsed) return parsed.error;
        const ketQua = await Promise.all(
          parsed.keys.map((code) =>
            code !== undefined && isResultCode(code) ? registry.lookup(code) : null,
          ),
        );
        return { status: 200, body: { ketQua }, keys: parsed.keys.length };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/ket-qua/theo-doi-tuong',
      handle: ({ body }) => {
        const parsed = batchItems(body, 'doiTuong');
        if ('error' in parsed) return parsed.error;
        const ketQua = parsed.items.map((item) => {
          const subject = item as { loai?: unknown; ma?: unknown } | null;
          return typeof subject?.loai === 'string' && typeof subject.ma === 'string'
            ? registry.listBySubject(subject.loai, subject.ma)
            : [];
        });
        return { status: 200, body: { ketQua }, keys: ketQua.length };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/ket-qua',
      handle: ({ body }) => {
        const parsed = issueSchema.safeParse(body);
        if (!parsed.success) return invalid(parsed.error);
        return answer(() => registry.issue(parsed.data), 201);
      },
    },
    {
      method: 'POST',
      path: '/api/v1/ket-qua/{ma}/thu-hoi',
      handle: ({ body, params }) => {
        if (!isResultCode(params['ma']!)) return notFound();
        const parsed = reasonSchema.safeParse(body);
        if (!parsed.success) return invalid(parsed.error);
        return answer(() => registry.revoke(params['ma']!), 200);
      },
    },
    {
      method: 'POST',
      path: '/api/v1/ket-qua/{ma}/thay-the',
      handle: ({ body, params }) => {
        if (!isResultCode(params['ma']!)) return notFound();
        const parsed = supersedeSchema.safeParse(body);
        if (!parsed.success) return invalid(parsed.error);
        return answer(() => registry.supersede(params['ma']!, parsed.data.ketQuaMoi), 201);
      },
    },
  ];
  return {
    routes,
    entities: { [LOAI_KET_QUA]: (ma) => isResultCode(ma) && registry.exists(ma) },
  };
}
