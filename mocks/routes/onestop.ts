// onestop (Hệ thống thông tin giải quyết TTHC): the dossier registry of a one-stop system. The
// gateway reads a dossier to prove a request's purpose; one-stop systems (and tests) receive dossiers
// and move them through processing.
import type { z } from 'zod';
import { isDossierId } from '../../lib/ids.ts';
import { type DossierStore, type HoSo, hoSoSchema, statusChangeSchema } from '../dossiers.ts';
import { badRequest, errorBody, type RouteResult, type SourceDefinition } from '../route.ts';

/** Names the fields that failed, never their values. */
function invalid(error: z.ZodError): RouteResult {
  const fields = [...new Set(error.issues.map((i) => i.path.join('.') || '(body)'))];
  return badRequest(`Invalid fields: ${fields.join(', ')}.`);
}

const notFound = (): RouteResult => ({
  status: 404,
  body: errorBody('KHONG_TIM_THAY', 'No dossier has this code.'),
});

export function onestopSource(store: DossierStore): SourceDefinition {
  return {
    routes: [
      {
        method: 'GET',
        path: '/api/v1/ho-so/{maHoSo}',
        handle: ({ params }) => {
          const hoSo = isDossierId(params['maHoSo']!) ? store.get(params['maHoSo']!) : undefined;
          return hoSo ? { status: 200, body: hoSo, keys: 1 } : notFound();
        },
      },
      {
        method: 'POST',
        path: '/api/v1/ho-so',
        handle: ({ body }) => {
          const parsed = hoSoSchema.safeParse(body);
          if (!parsed.success) return invalid(parsed.error);
          const hoSo = parsed.data as HoSo;
          if (!store.receive(hoSo)) {
            return { status: 409, body: errorBody('DA_TON_TAI', 'A dossier with this code exists already.') };
          }
          return { status: 201, body: hoSo };
        },
      },
      {
        method: 'POST',
        path: '/api/v1/ho-so/{maHoSo}/trang-thai',
        handle: ({ body, params }) => {
          if (!isDossierId(params['maHoSo']!)) return notFound();
          const parsed = statusChangeSchema.safeParse(body);
          if (!parsed.success) return invalid(parsed.error);
          const outcome = store.changeStatus(params['maHoSo']!, parsed.data);
          if (outcome === 'not-found') return notFound();
          if (outcome === 'final') {
            return {
              status: 409,
              body: errorBody('DA_KET_THUC', 'The dossier was settled or cancelled; its status is final.'),
            };
          }
          if (outcome === 'before-receipt') return badRequest('Invalid fields: ngayTraKetQua.');
          return { status: 200, body: outcome };
        },
      },
    ],
    // Dossiers are not cached by the subgraphs, so they publish no change events.
    entities: {},
  };
}
