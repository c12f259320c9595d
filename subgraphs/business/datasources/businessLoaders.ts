// The business registry's loaders: one per endpoint, per request, through the record cache.
import type { RecordCache } from '../../../lib/cache/types.ts';
import { upstreamUnavailable } from '../../../lib/errors.ts';
import type { Caller } from '../../../lib/internalToken.ts';
import { postBatch } from '../../common/batchFetch.ts';
import { createRecordLoader, type RecordLoader } from '../../common/recordLoader.ts';
import type { UpstreamClient } from '../../common/upstreamClient.ts';
import type { DoanhNghiep, VaiTroDoanhNghiep } from './types.ts';

const SOURCE = 'business';

export interface BusinessLoaders {
  /** By enterprise code. */
  readonly enterprise: RecordLoader<DoanhNghiep>;
  /** A citizen's enterprises and roles, by personal identification number. */
  readonly rolesByCitizen: RecordLoader<readonly VaiTroDoanhNghiep[]>;
}

export function createBusinessLoaders(
  client: UpstreamClient,
  cache: RecordCache,
  caller: Caller,
): BusinessLoaders {
  const request = { deadline: caller.deadline, requestId: caller.requestId, clientId: caller.clientId };
  const toError = () => upstreamUnavailable(SOURCE);
  return {
    enterprise: createRecordLoader<DoanhNghiep>({
      kind: { source: SOURCE, entity: 'doanh-nghiep' },
      cache,
      toError,
      fetch: (codes) =>
        postBatch(
          client,
          SOURCE,
          '/api/v1/doanh-nghiep/tra-cuu',
          { maSoDoanhNghiep: codes },
          codes.length,
          request,
        ),
    }),
    rolesByCitizen: createRecordLoader<readonly VaiTroDoanhNghiep[]>({
      kind: { source: SOURCE, entity: 'doanh-nghiep-theo-ca-nhan' },
      cache,
      toError,
      fetch: (ids) =>
        postBatch(
          client,
          SOURCE,
          '/api/v1/doanh-nghiep/theo-ca-nhan',
          { soDinhDanh: ids },
          ids.length,
          request,
        ),
    }),
  };
}
