// The example `npm start` prints: a dev token and a curl command that reads a fixture citizen from all
// five sources in one query, with the purpose headers a one-stop system sends. Purpose is proven
// (PURPOSE_VERIFICATION=enforce): the dossier is the onestop mock's fixture dossier for the family,
// received by the commune the token's `agency` names.

import { DEV_ISSUER } from '../gateway/src/config.ts';
import { mintDevToken } from '../gateway/src/plugins/auth/devToken.ts';
import { ensureDevKey } from '../lib/keys.ts';
import { DOSSIER_IDS, FIXTURE_AGENCIES, fixtureDossiers } from '../mocks/dossierFixtures.ts';
import { FIXTURES } from '../mocks/fixtures.ts';

export const EXAMPLE_DOSSIER = DOSSIER_IDS.example;
/** The example dossier's procedure ("Công nhận hộ nghèo, hộ cận nghèo"): entitled to all five sources. */
export const EXAMPLE_PROCEDURE = fixtureDossiers().find((d) => d.maHoSo === EXAMPLE_DOSSIER)!.maTTHC;
/** The commune that received the example dossier (Phường Ninh Kiều, Cần Thơ). */
export const EXAMPLE_AGENCY = FIXTURE_AGENCIES.canThoCommune;
export const EXAMPLE_SCOPES = 'population:read business:read insurance:read land:read results:read';

export const EXAMPLE_QUERY = `query FamilyProfile($id: ID!) {
  citizen(id: $id) {
    fullName dateOfBirth permanentResidence { provinceName communeName }
    spouse { fullName }
    household { members { relationToHead citizen { fullName } } }
    socialInsurance { code status }
    enterprises { code name status }
    landCertificates { serial parcels { area usePurpose } }
    issuedResults { code procedureCode status }
  }
}`;

export async function exampleRequest(gatewayUrl: string): Promise<string> {
  const key = await ensureDevKey('client-dev', 'ES256');
  const token = await mintDevToken(key, {
    sub: 'ubnd-cantho.motcua',
    scope: EXAMPLE_SCOPES,
    officer: 'Nguyễn Thị Hoa',
    agency: EXAMPLE_AGENCY,
    ttlSeconds: 3600,
    issuer: DEV_ISSUER,
    audience: 'lienthong',
  });
  const body = JSON.stringify({
    query: EXAMPLE_QUERY.replace(/\s+/g, ' '),
    variables: { id: FIXTURES.husband },
  });
  return [
    'Try it (a dev token valid for an hour):',
    `  TOKEN=${token}`,
    `  curl -s ${gatewayUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `    -H 'x-procedure-code: ${EXAMPLE_PROCEDURE}' -H 'x-dossier-id: ${EXAMPLE_DOSSIER}' \\`,
    `    -d '${body}'`,
  ].join('\n');
}
