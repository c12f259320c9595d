// Root fields: validate at the edge, then one batched load.
import { requireEnterpriseCode } from '../../common/validate.ts';
import type { BusinessContext } from '../context.ts';
import type { EnterpriseParent } from './enterpriseResolvers.ts';

export const queryResolvers = {
  async enterprise(
    _: unknown,
    args: { code: string },
    context: BusinessContext,
  ): Promise<EnterpriseParent | null> {
    const code = requireEnterpriseCode(args.code, 'code');
    const loaded = await context.loaders.enterprise.load(code);
    return loaded ? { code, loaded } : null;
  },
};
