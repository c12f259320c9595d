// Root fields: validate at the edge, then one batched load; verification answers, never throws.
import { isResultCode } from '../../../lib/ids.ts';
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
  verifyIssuedResult: (_: unknown, args: { attestation: string }, context: ResultsContext) =>
    verifyAttestation(args.attestation, context.loaders.registryKeys.getKey),
};

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
