// The land database's loaders: one per endpoint and key kind, per request, through the record cache.
import type { RecordCache } from '../../../lib/cache/types.ts';
import { upstreamUnavailable } from '../../../lib/errors.ts';
import type { Caller } from '../../../lib/internalToken.ts';
import { postBatch } from '../../common/batchFetch.ts';
import { createRecordLoader, type RecordLoader } from '../../common/recordLoader.ts';
import type { UpstreamClient } from '../../common/upstreamClient.ts';
import type { GiayChungNhan } from './types.ts';

const SOURCE = 'land';
const BY_HOLDER = '/api/v1/giay-chung-nhan/theo-chu-su-dung';

export interface LandLoaders {
  /** By certificate serial. */
  readonly certificate: RecordLoader<GiayChungNhan>;
  /** Serials of the certificates naming a citizen, by personal identification number. */
  readonly serialsByCitizen: RecordLoader<readonly string[]>;
  /** Serials of the certificates naming an enterprise, by enterprise code. */
  readonly serialsByEnterprise: RecordLoader<readonly string[]>;
}

export function createLandLoaders(client: UpstreamClient, cache: RecordCache, caller: Caller): LandLoaders {
  const request = { deadline: caller.deadline, requestId: caller.requestId, clientId: caller.clientId };
  const toError = () => upstreamUnavailable(SOURCE);
  return {
    certificate: createRecordLoader<GiayChungNhan>({
      kind: { source: SOURCE, entity: 'giay-chung-nhan' },
      cache,
      toError,
      fetch: (serials) =>
        postBatch(
          client,
          SOURCE,
          '/api/v1/giay-chung-nhan/tra-cuu',
          { soPhatHanh: serials },
          serials.length,
          request,
        ),
    }),
    serialsByCitizen: createRecordLoader<readonly string[]>({
      kind: { source: SOURCE, entity: 'gcn-theo-ca-nhan' },
      cache,
      toError,
      fetch: (ids) => postBatch(client, SOURCE, BY_HOLDER, { soDinhDanh: ids }, ids.length, request),
    }),
    serialsByEnterprise: createRecordLoader<readonly string[]>({
      kind: { source: SOURCE, entity: 'gcn-theo-to-chuc' },
      cache,
      toError,
      fetch: (codes) =>
        postBatch(client, SOURCE, BY_HOLDER, { maSoDoanhNghiep: codes }, codes.length, request),
    }),
  };
}
