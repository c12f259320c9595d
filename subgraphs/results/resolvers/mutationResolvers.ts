// Issue, revoke, supersede: each acts as the agency the caller's token names, checks ownership before
// the registry is asked, and afterwards serves the registry's answer and evicts what it made stale.
import { badUserInput, codedError, ErrorCode, forbidden, upstreamUnavailable } from '../../../lib/errors.ts';
import { UpstreamError } from '../../common/upstreamClient.ts';
import { requireResultCode } from '../../common/validate.ts';
import type { ResultsContext } from '../context.ts';
import { subjectKey } from '../datasources/resultsLoaders.ts';
import type { KetQua } from '../datasources/types.ts';
import {
  actingAgency,
  type IssueResultInput,
  issueBody,
  type ResultReplacementInput,
  replacementBody,
  requireText,
} from './issueInput.ts';
import type { ResultParent } from './resultResolvers.ts';

const NOT_A_RESULT = 'the code of an issued result';

export const mutationResolvers = {
  async issueResult(
    _: unknown,
    args: { input: IssueResultInput },
    context: ResultsContext,
  ): Promise<ResultParent> {
    const body = issueBody(args.input, context.caller);
    const created = await write(() => context.loaders.writer.issue(body));
    await settle(context, [created], [subjectKey(body.doiTuong.loai, body.doiTuong.ma)]);
    return parentOf(created);
  },

  async revokeResult(
    _: unknown,
    args: { code: string; reason: string },
    context: ResultsContext,
  ): Promise<ResultParent> {
    const code = requireResultCode(args.code, 'code');
    const reason = requireText(args.reason, 'reason', 500);
    await ownResult(code, context);
    const revoked = await write(() => context.loaders.writer.revoke(code, reason));
    await settle(context, [revoked], []);
    return parentOf(revoked);
  },

  async supersedeResult(
    _: unknown,
    args: { code: string; reason: string; replacement: ResultReplacementInput },
    context: ResultsContext,
  ): Promise<ResultParent> {
    const code = requireResultCode(args.code, 'code');
    const reason = requireText(args.reason, 'reason', 500);
    const original = await ownResult(code, context);
    const body = replacementBody(original, args.replacement);
    if (!body) throw badUserInput('code', 'a result with a subject and an issuing province');
    const { old, next } = await write(() => context.loaders.writer.supersede(code, reason, body));
    await settle(context, [old, next], [subjectKey(body.doiTuong.loai, body.doiTuong.ma)]);
    return parentOf(next);
  },
};

/** The result as the registry holds it, when the caller's agency issued it; refused before any write. */
async function ownResult(code: string, context: ResultsContext): Promise<KetQua> {
  const agency = actingAgency(context.caller);
  const loaded = await context.loaders.result.load(code);
  if (!loaded) throw badUserInput('code', NOT_A_RESULT);
  if (loaded.record.coQuanCap?.ma !== agency.code)
    throw forbidden('An agency revokes or replaces only the results it issued.', []);
  return loaded.record;
}

/** Never retried (see registryWriter.ts); the registry's refusals become the caller's input errors. */
async function write<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UpstreamError && error.failure === 'status') {
      const refused = (message: string, argument: string) =>
        codedError(ErrorCode.BAD_USER_INPUT, message, { status: 200, extensions: { argument } });
      if (error.status === 404) throw badUserInput('code', NOT_A_RESULT);
      if (error.status === 409) throw refused('The result was already revoked or superseded.', 'code');
      if (error.status === 422)
        throw refused('The subject is not in its national database.', 'input.subject.id');
      if (error.status === 400) throw refused('The registry refused the result as malformed.', 'input');
    }
    throw upstreamUnavailable('results');
  }
}

/**
 * This request reads the registry's answer from now on; other requests and replicas stop serving the
 * copies the write made stale. The write has happened either way, so a failed eviction is logged (the
 * stale copy then lives until its TTL, as after a missed change event), not reported as a failure.
 */
async function settle(context: ResultsContext, records: readonly KetQua[], subjects: readonly string[]) {
  const fetchedAt = Date.now();
  for (const record of records) {
    context.loaders.result
      .clear(record.maKetQua)
      .prime(record.maKetQua, { record, fetchedAt, fromCache: false });
  }
  for (const subject of subjects) context.loaders.codesBySubject.clear(subject);
  try {
    await context.loaders.evictStale(
      records.map((r) => r.maKetQua),
      subjects,
    );
  } catch (error) {
    context.logger.warn({ err: { name: (error as Error).name } }, 'results cache not evicted after a write');
  }
}

const parentOf = (record: KetQua): ResultParent => ({
  code: record.maKetQua,
  loaded: { record, fetchedAt: Date.now(), fromCache: false },
});
