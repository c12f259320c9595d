// The results registry's loaders: per request, through the record cache. The registry's signing keys
// are process-wide (one key store per upstream client).
import type { RecordCache } from '../../../lib/cache/types.ts';
import { upstreamUnavailable } from '../../../lib/errors.ts';
import type { Caller } from '../../../lib/internalToken.ts';
import { postBatch } from '../../common/batchFetch.ts';
import { createRecordLoader, type RecordLoader } from '../../common/recordLoader.ts';
import type { UpstreamClient } from '../../common/upstreamClient.ts';
import { createRegistryKeys, type RegistryKeys } from './registryKeys.ts';
import type { KetQua, LoaiDoiTuong } from './types.ts';

const SOURCE = 'results';

export interface ResultsLoaders {
  /** By issued result code. */
  readonly result: RecordLoader<KetQua>;
  /** Codes of the results issued to a subject, by subjectKey(kind, id). */
  readonly codesBySubject: RecordLoader<readonly string[]>;
  /** The registry's public keys, shared by all requests of this process. */
  readonly registryKeys: RegistryKeys;
}

export const subjectKey = (kind: LoaiDoiTuong, id: string): string => `${kind}:${id}`;

function parseSubjectKey(key: string): { loai: LoaiDoiTuong; ma: string } {
  const at = key.indexOf(':');
  return { loai: key.slice(0, at) as LoaiDoiTuong, ma: key.slice(at + 1) };
}

const keysByClient = new WeakMap<UpstreamClient, RegistryKeys>();

export function createResultsLoaders(
  client: UpstreamClient,
  cache: RecordCache,
  caller: Caller,
): ResultsLoaders {
  const request = { deadline: caller.deadline, requestId: caller.requestId };
  const toError = () => upstreamUnavailable(SOURCE);
  let registryKeys = keysByClient.get(client);
  if (!registryKeys) {
    registryKeys = createRegistryKeys({ client });
    keysByClient.set(client, registryKeys);
  }
  return {
    result: createRecordLoader<KetQua>({
      kind: { source: SOURCE, entity: 'ket-qua' },
      cache,
      toError,
      fetch: (codes) =>
        postBatch(client, SOURCE, '/api/v1/ket-qua/tra-cuu', { maKetQua: codes }, codes.length, request),
    }),
    codesBySubject: createRecordLoader<readonly string[]>({
      kind: { source: SOURCE, entity: 'ket-qua-theo-doi-tuong' },
      cache,
      toError,
      fetch: (keys) =>
        postBatch(
          client,
          SOURCE,
          '/api/v1/ket-qua/theo-doi-tuong',
          { doiTuong: keys.map(parseSubjectKey) },
          keys.length,
          request,
        ),
    }),
    registryKeys,
  };
}
