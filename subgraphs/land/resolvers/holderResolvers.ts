// Citizen and Enterprise as the land database knows them: the certificates naming them as land users.
// Serials come first (one batch per level), then the certificates themselves (one more batch).
import { isCitizenId, isEnterpriseCode } from '../../../lib/ids.ts';
import type { RecordLoader } from '../../common/recordLoader.ts';
import type { LandContext } from '../context.ts';
import type { CertificateParent } from './certificateResolvers.ts';

async function certificatesOf(
  key: string,
  valid: boolean,
  loader: RecordLoader<readonly string[]>,
  context: LandContext,
): Promise<CertificateParent[]> {
  // Keys arrive from the gateway; a malformed one cannot hold land and costs no request.
  if (!valid) return [];
  const serials = (await loader.load(key))?.record ?? [];
  const loaded = await context.loaders.certificate.loadMany(serials);
  return serials.flatMap((serial, i) => {
    const slot = loaded[i];
    if (slot instanceof Error) throw slot;
    return slot ? [{ serial, loaded: slot }] : [];
  });
}

export const citizenResolvers = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  landCertificates: (parent: { id: string }, _args: unknown, context: LandContext) =>
    certificatesOf(parent.id, isCitizenId(parent.id), context.loaders.serialsByCitizen, context),
};

export const enterpriseResolvers = {
  __resolveReference: (reference: { code: string }) => ({ code: reference.code }),
  landCertificates: (parent: { code: string }, _args: unknown, context: LandContext) =>
    certificatesOf(parent.code, isEnterpriseCode(parent.code), context.loaders.serialsByEnterprise, context),
};
