// Root fields: validate at the edge, then one batched load.
import { requireLandSerial } from '../../common/validate.ts';
import type { LandContext } from '../context.ts';
import type { CertificateParent } from './certificateResolvers.ts';

export const queryResolvers = {
  async landCertificate(
    _: unknown,
    args: { serial: string },
    context: LandContext,
  ): Promise<CertificateParent | null> {
    const serial = requireLandSerial(args.serial, 'serial');
    const loaded = await context.loaders.certificate.load(serial);
    return loaded ? { serial, loaded } : null;
  },
};
