// Root fields: validate at the edge, then one batched load; verification answers, never throws.
import { isCitizenId, isEnterpriseCode, isResultCode } from '../../../lib/ids.ts';
import { requireResultCode } from '../../common/validate.ts';
import type { ResultsContext } from '../context.ts';
import { type AttestationCheck, verifyAttestation } from '../datasources/verifyAttestation.ts';
import { type ResultParent, statusOf } from './resultResolvers.ts';

export const queryResolvers = {
  async issuedResult(
    _: unknown,
    args: { code: string },
    context: ResultsContext,
  ): Promise<ResultParent | null> {
    const code = requireResultCode(args.code, 'code');
    const loaded = await context.loaders.result.load(code);
    return loaded ? { code, loaded } : null;
  },
  async verifyIssuedResult(_: unknown, args: { attestation: string }, context: ResultsContext) {
    const check = await verifyAttestation(args.attestation, context.loaders.registryKeys.getKey);
    recordAttested(check, context);
    return check;
  },
};

/**
 * A valid attestation's claims name the result and its subject, and the response may carry them: both
 * are subjects of the audit record (servedSubjects.ts), even though no entity object is returned.
 */
function recordAttested(check: AttestationCheck, context: ResultsContext): void {
  const claims = check.claims;
  if (!claims) return;
  if (claims.code && isResultCode(claims.code)) context.subjects.add(`IssuedResult:${claims.code}`);
  if (claims.subjectId && isCitizenId(claims.subjectId)) context.subjects.add(`Citizen:${claims.subjectId}`);
  else if (claims.subjectId && isEnterpriseCode(claims.subjectId))
    context.subjects.add(`Enterprise:${claims.subjectId}`);
}

/** The registry's record of the attested result; looked up only when asked for. */
async function currentRecord(check: AttestationCheck, context: ResultsContext) {
  const code = check.claims?.code;
  if (!code || !isResultCode(code)) return null;
  return context.loaders.result.load(code);
}

export const verificationResolvers = {
  async currentStatus(check: AttestationCheck, _args: unknown, context: ResultsContext) {
    const loaded = await currentRecord(check, context);
    return loaded ? statusOf(loaded.record) : null;
  },
  async result(
    check: AttestationCheck,
    _args: unknown,
    context: ResultsContext,
  ): Promise<ResultParent | null> {
    const loaded = await currentRecord(check, context);
    return loaded ? { code: loaded.record.maKetQua, loaded } : null;
  },
};
