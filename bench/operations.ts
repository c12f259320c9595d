// The operations every gateway is driven with: the same documents and variables for all of them.
import { FIXTURES } from '../mocks/fixtures.ts';

export interface BenchOperation {
  readonly name: string;
  readonly title: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

const ADDRESS = '{ provinceName communeName detail }';

/** 100 well-formed ids in the synthetic population (the same as the gateway's integration test). */
const HUNDRED_IDS = Array.from(
  { length: 100 },
  (_, i) => `0790890${String(10_000 + i * 37).padStart(5, '0')}`,
);

export const OPERATIONS: readonly BenchOperation[] = [
  {
    name: 'fullProfile',
    title: "One citizen's full profile across all five subgraphs",
    query: `query FullProfile($id: ID!) { citizen(id: $id) {
      id fullName dateOfBirth sex status nationality
      permanentResidence ${ADDRESS} hometown ${ADDRESS}
      household { code members { relationToHead citizen { id fullName } } }
      spouse { id fullName }
      enterprises { code name status legalRepresentative { id fullName } }
      socialInsurance { code status contributionPeriods { fromMonth toMonth employerName kind }
        healthInsuranceCard { number validFrom validTo } }
      landCertificates { serial issuedOn parcels { parcelNumber area usePurpose } }
      issuedResults { code title status issuedAt } } }`,
    variables: { id: FIXTURES.husband },
  },
  {
    name: 'citizens100',
    title: '`citizens(ids:)` with 100 ids, nested enterprises and insurance',
    query: `query Citizens($ids: [ID!]!) { citizens(ids: $ids) { id fullName spouse { fullName }
      enterprises { code name legalRepresentative { fullName } }
      socialInsurance { code contributionPeriods { employer { name } } } } }`,
    variables: { ids: HUNDRED_IDS },
  },
  {
    name: 'enterprise',
    title: 'An enterprise with its representative and land',
    query: `query Enterprise($code: ID!) { enterprise(code: $code) {
      code name type status headOffice ${ADDRESS}
      legalRepresentative { id fullName dateOfBirth
        landCertificates { serial issuedOn parcels { parcelNumber area usePurpose } } }
      owners { capitalShare citizen { id fullName } }
      landCertificates { serial parcels { parcelNumber area } } } }`,
    variables: { code: FIXTURES.enterprise },
  },
  {
    name: 'largeResponse',
    title: 'A large response (~90 KB of nested lists, the Guild benchmark shape)',
    query: `query Large($ids: [ID!]!) { citizens(ids: $ids) {
      id fullName dateOfBirth sex status permanentResidence ${ADDRESS}
      household { code members { relationToHead citizen { id fullName dateOfBirth } } }
      socialInsurance { code status contributionPeriods { fromMonth toMonth employerName salary kind } }
      enterprises { code name status } } }`,
    variables: { ids: HUNDRED_IDS },
  },
];

export function requestBody(operation: BenchOperation): string {
  return JSON.stringify({ query: operation.query, variables: operation.variables });
}
