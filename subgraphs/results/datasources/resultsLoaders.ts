// The results registry's loaders: per request, through the record cache. The registry's signing keys
// are process-wide (one key store per upstream client).
import type { RecordCache, RecordKind } from '../../../lib/cache/types.ts';
import { upstreamUnavailable } from '../../../lib/errors.ts';
import type { Caller } from '../../../lib/internalToken.ts';
import { postBatch } from '../../common/batchFetch.ts';
import { createRecordLoader, type RecordLoader } from '../../common/recordLoader.ts';
import type { UpstreamClient } from '../../common/upstreamClient.ts';
import { createRegistryKeys, type RegistryKeys } from './registryKeys.ts';
import { createRegistryWriter, type RegistryWriter } from './registryWriter.ts';
import type { KetQua, LoaiDoiTuong } from './types.ts';

const SOURCE = 'results';

export interface ResultsLoaders {
  /** By issued result code. */
  readonly result: RecordLoader<KetQua>;
  /** Codes of the results issued to a subject, by subjectKey(kind, id). */
  readonly codesBySubject: RecordLoader<readonly string[]>;
  /** The registry's public keys, shared by all requests of this process. */
  readonly registryKeys: RegistryKeys;
  /** The registry's write API. */
  readonly writer: RegistryWriter;
  /**
   * Drops the cached copies a write made stale, here and in other replicas (the request's loaders are
   * primed by the caller). Rejects when the shared cache could not be reached.
   */
  evictStale(codes: readonly string[], subjects: readonly string[]): Promise<void>;
}

const RESULT_KIND: RecordKind = { source: SOURCE, entity: 'ket-qua' };
const BY_SUBJECT_KIND: RecordKind = { source: SOURCE, entity: 'ket-qua-theo-doi-tuong' };

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
  const request = { deadline: caller.deadline, requestId: caller.requestId, clientId: caller.clientId };
  const toError = () => upstreamUnavailable(SOURCE);
  let registryKeys = keysByClient.get(client);
  if (!registryKeys) {
    registryKeys = createRegistryKeys({ client });
    keysByClient.set(client, registryKeys);
  }
  return {
    result: createRecordLoader<KetQua>({
      kind: RESULT_KIND,
      cache,
      toError,
      fetch: (codes) =>
        postBatch(client, SOURCE, '/api/v1/ket-qua/tra-cuu', { maKetQua: codes }, codes.length, request),
    }),
    codesBySubject: createRecordLoader<readonly string[]>({
      kind: BY_SUBJECT_KIND,
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
    writer: createRegistryWriter(client, request),
    async evictStale(codes, subjects) {
      if (codes.length > 0) await cache.evict(RESULT_KIND, codes);
      if (subjects.length > 0) await cache.evict(BY_SUBJECT_KIND, subjects);
    },
  };
}
