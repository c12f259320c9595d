// Citizen as the business registry knows it: the enterprises a person represents or owns.
import { isCitizenId } from '../../../lib/ids.ts';
import type { BusinessContext } from '../context.ts';
import type { VaiTroDoanhNghiep } from '../datasources/types.ts';
import type { EnterpriseParent } from './enterpriseResolvers.ts';

export interface CitizenParent {
  readonly id: string;
}

export const ENTERPRISE_ROLE: Readonly<Record<string, string>> = {
  DAI_DIEN_PHAP_LUAT: 'LEGAL_REPRESENTATIVE',
  CHU_SO_HUU: 'OWNER',
};

async function rolesOf(
  parent: CitizenParent,
  context: BusinessContext,
): Promise<readonly VaiTroDoanhNghiep[]> {
  // Ids arrive from the gateway; a malformed one cannot be registered anywhere and costs no request.
  if (!isCitizenId(parent.id)) return [];
  return (await context.loaders.rolesByCitizen.load(parent.id))?.record ?? [];
}

export const citizenResolvers = {
  __resolveReference: (reference: { id: string }): CitizenParent => ({ id: reference.id }),
  async enterprises(
    parent: CitizenParent,
    _args: unknown,
    context: BusinessContext,
  ): Promise<EnterpriseParent[]> {
    const codes = new Set((await rolesOf(parent, context)).map((role) => role.maSoDoanhNghiep));
    return [...codes].map((code) => ({ code }));
  },
  async enterpriseRoles(parent: CitizenParent, _args: unknown, context: BusinessContext) {
    return (await rolesOf(parent, context)).map((role) => ({
      enterprise: { code: role.maSoDoanhNghiep } satisfies EnterpriseParent,
      role: ENTERPRISE_ROLE[role.vaiTro] ?? role.vaiTro,
    }));
  },
};
