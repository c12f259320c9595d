// The population database's loaders: one per endpoint, per request, through the record cache.
import type { RecordCache } from '../../../lib/cache/types.ts';
import { upstreamUnavailable } from '../../../lib/errors.ts';
import type { Caller } from '../../../lib/internalToken.ts';
import { postBatch } from '../../common/batchFetch.ts';
import { createRecordLoader, type RecordLoader } from '../../common/recordLoader.ts';
import type { UpstreamClient } from '../../common/upstreamClient.ts';
import type { CongDan, HoGiaDinh } from './types.ts';

const SOURCE = 'population';

export interface PopulationLoaders {
  /** By personal identification number. */
  readonly citizen: RecordLoader<CongDan>;
  /** By household code. */
  readonly household: RecordLoader<HoGiaDinh>;
}

export function createPopulationLoaders(
  client: UpstreamClient,
  cache: RecordCache,
  caller: Caller,
): PopulationLoaders {
  const request = { deadline: caller.deadline, requestId: caller.requestId, clientId: caller.clientId };
  const toError = () => upstreamUnavailable(SOURCE);
  return {
    citizen: createRecordLoader<CongDan>({
      kind: { source: SOURCE, entity: 'cong-dan' },
      cache,
      toError,
      fetch: (ids) =>
        postBatch(client, SOURCE, '/api/v1/cong-dan/tra-cuu', { soDinhDanh: ids }, ids.length, request),
    }),
    household: createRecordLoader<HoGiaDinh>({
      kind: { source: SOURCE, entity: 'ho-gia-dinh' },
      cache,
      toError,
      fetch: (codes) =>
        postBatch(client, SOURCE, '/api/v1/ho-gia-dinh/tra-cuu', { maHo: codes }, codes.length, request),
    }),
  };
}
