// The insurance database's loader: per request, through the record cache.
import type { RecordCache } from '../../../lib/cache/types.ts';
import { upstreamUnavailable } from '../../../lib/errors.ts';
import type { Caller } from '../../../lib/internalToken.ts';
import { postBatch } from '../../common/batchFetch.ts';
import { createRecordLoader, type RecordLoader } from '../../common/recordLoader.ts';
import type { UpstreamClient } from '../../common/upstreamClient.ts';
import type { ThamGiaBaoHiem } from './types.ts';

const SOURCE = 'insurance';

export interface InsuranceLoaders {
  /** A citizen's insurance record, by personal identification number; null when they neither contributed nor hold a health card. */
  readonly participationByCitizen: RecordLoader<ThamGiaBaoHiem>;
}

export function createInsuranceLoaders(
  client: UpstreamClient,
  cache: RecordCache,
  caller: Caller,
): InsuranceLoaders {
  const request = { deadline: caller.deadline, requestId: caller.requestId, clientId: caller.clientId };
  return {
    participationByCitizen: createRecordLoader<ThamGiaBaoHiem>({
      kind: { source: SOURCE, entity: 'bhxh-theo-ca-nhan' },
      cache,
      toError: () => upstreamUnavailable(SOURCE),
      fetch: (ids) =>
        postBatch(client, SOURCE, '/api/v1/bhxh/theo-ca-nhan', { soDinhDanh: ids }, ids.length, request),
    }),
  };
}
