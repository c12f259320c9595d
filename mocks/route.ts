// What a mock source is made of: its routes (as templates, counted per template in the stats) and
// the kinds of record (`loai`) that /__admin/cap-nhat may touch.
import type { ChangeLog } from './changes.ts';

/** Batch endpoints accept at most this many keys (the subgraphs' dataloader maxBatchSize). */
export const MAX_BATCH_KEYS = 100;

export interface RouteInput {
  readonly body: unknown;
  readonly params: Readonly<Record<string, string>>;
}

export interface RouteResult {
  readonly status: number;
  readonly body: unknown;
  /** Keys this request asked for, added to the stats. */
  readonly keys?: number;
}

export interface Route {
  readonly method: 'GET' | 'POST';
  /** Path template; `{name}` matches one segment into params.name. */
  readonly path: string;
  handle(input: RouteInput): Promise<RouteResult> | RouteResult;
}

export interface SourceDefinition {
  readonly routes: readonly Route[];
  /** Record kinds this source versions, with a check that a record exists. */
  readonly entities: Readonly<Record<string, (ma: string) => boolean>>;
}

export const errorBody = (maLoi: string, moTa: string) => ({ maLoi, moTa });

export const badRequest = (moTa: string): RouteResult => ({
  status: 400,
  body: errorBody('YEU_CAU_KHONG_HOP_LE', moTa),
});

/** Reads `body[field]` as a batch: an array of at most MAX_BATCH_KEYS items. */
export function batchItems(body: unknown, field: string): { items: unknown[] } | { error: RouteResult } {
  const list =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  if (!Array.isArray(list)) return { error: badRequest(`"${field}" must be an array`) };
  if (list.length > MAX_BATCH_KEYS)
    return {
      error: { status: 400, body: errorBody('QUA_GIOI_HAN', `At most ${MAX_BATCH_KEYS} keys per request.`) },
    };
  return { items: list };
}

/** A batch of string keys; an entry that is not a string becomes undefined, so its slot answers null. */
export function batchKeys(
  body: unknown,
  field: string,
): { keys: (string | undefined)[] } | { error: RouteResult } {
  const parsed = batchItems(body, field);
  if ('error' in parsed) return parsed;
  return { keys: parsed.items.map((k) => (typeof k === 'string' ? k : undefined)) };
}

/** POST {field: [...]} → {ketQua: [record | null]}, in key order, each record stamped with its version. */
export function batchRoute<T extends object>(options: {
  readonly path: string;
  readonly field: string;
  readonly loai: string;
  readonly changes: ChangeLog;
  readonly lookup: (key: string) => T | null;
}): Route {
  return {
    method: 'POST',
    path: options.path,
    handle: ({ body }) => {
      const parsed = batchKeys(body, options.field);
      if ('error' in parsed) return parsed.error;
      const ketQua = parsed.keys.map((key) => {
        const record = key === undefined ? null : options.lookup(key);
        return record && options.changes.stamp(options.loai, key!, record);
      });
      return { status: 200, body: { ketQua }, keys: parsed.keys.length };
    },
  };
}

/** POST {field: [...]} → {ketQua: [[...]]}: one list per key, empty for unknown or malformed keys. */
export function listRoute<T>(options: {
  readonly path: string;
  readonly field: string;
  readonly list: (key: string) => T[];
}): Route {
  return {
    method: 'POST',
    path: options.path,
    handle: ({ body }) => {
      const parsed = batchKeys(body, options.field);
      if ('error' in parsed) return parsed.error;
      const ketQua = parsed.keys.map((key) => (key === undefined ? [] : options.list(key)));
      return { status: 200, body: { ketQua }, keys: parsed.keys.length };
    },
  };
}
