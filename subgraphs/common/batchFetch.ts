// The mocks' batch endpoints all answer `{ "ketQua": [slot, …] }`, one slot per key in key order.
import { withSpan } from '../../lib/tracing.ts';
import type { RequestOptions, UpstreamClient } from './upstreamClient.ts';
import { UpstreamError } from './upstreamClient.ts';

export async function postBatch<T>(
  client: UpstreamClient,
  source: string,
  path: string,
  body: unknown,
  keyCount: number,
  options: RequestOptions,
): Promise<(T | null)[]> {
  // A batch lookup changes nothing upstream, so it may be retried although it is a POST.
  const answer = await withSpan(
    'upstream.batch',
    () => client.postJson<{ ketQua?: unknown }>(path, body, { ...options, idempotent: true }),
    { 'lienthong.source': source, 'lienthong.batch.keys': keyCount },
  );
  // A reply of the wrong shape is treated as an outage: its slots cannot be matched to the keys.
  if (!Array.isArray(answer?.ketQua) || answer.ketQua.length !== keyCount) {
    throw new UpstreamError(source, 'malformed');
  }
  return answer.ketQua as (T | null)[];
}
