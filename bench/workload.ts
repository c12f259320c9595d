// The benchmark's default traffic: what a day of one-stop offices sends, not one request repeated.
// Each request names citizens, enterprises, certificates or results drawn from a large pool of
// identifiers the mocks' own generators produce (so most exist and about 3% are not found, the
// population's own share), comes from one of several client systems with its own token and agency,
// and carries the dossier of its case. The sequence is deterministic for a seed, so every gateway is
// driven with exactly the same requests.
import { createHash } from 'node:crypto';
import { theoCaNhan } from '../mocks/data/business.ts';
import { Rng, Weighted } from '../mocks/data/hash.ts';
import { serialsOfCitizen } from '../mocks/data/landHolders.ts';
import { decodePerson } from '../mocks/data/person.ts';
import { resultsOfCitizen } from '../mocks/data/results.ts';
import { sampleCitizenIds } from '../mocks/data/samples.ts';
import { MAX_RELATED_SUBJECTS } from '../mocks/dossiers.ts';
import type { PreparedRequest } from './loadGenerator.ts';

/** A client system of the benchmark: its token is signed by the harness (benchKeys.ts). */
export interface BenchClientSpec {
  /** The token's `sub`. */
  readonly id: string;
  /** The token's `agency`: where its dossiers are received and its results issued. */
  readonly agency: string;
  readonly agencyName: string;
  /** Share of the day's requests this client sends. */
  readonly weight: number;
}

export const BENCH_CLIENTS: readonly BenchClientSpec[] = [
  { id: 'ubnd-cantho.motcua', agency: '31135', agencyName: 'UBND phường Ninh Kiều', weight: 4 },
  { id: 'hanoi.sotuphap', agency: '01-STP', agencyName: 'Sở Tư pháp Hà Nội', weight: 3 },
  { id: 'cantho.dkkd', agency: '92-DKKD', agencyName: 'Phòng Đăng ký kinh doanh Cần Thơ', weight: 2 },
  { id: 'hcm.sotuphap', agency: '79-STP', agencyName: 'Sở Tư pháp TP. Hồ Chí Minh', weight: 1 },
];

/**
 * The client that issues results (the commune registers births and issues their extracts): every
 * write of the workload is its, so that the peers, whose results-subgraph token acts as one agency,
 * can issue them too.
 */
export const ISSUING_CLIENT = 0;

/** Reads go under a procedure entitled to every read scope; writes under birth registration. */
export const READ_PROCEDURE = '1.003005';
export const ISSUE_PROCEDURE = '1.001193';

export type SubjectKind = 'CONG_DAN' | 'DOANH_NGHIEP' | 'GIAY_CHUNG_NHAN' | 'KET_QUA';
export interface Subject {
  readonly loai: SubjectKind;
  readonly ma: string;
}

/** One request of the workload, ready to send. */
export interface WorkRequest {
  /** Index in BENCH_CLIENTS. */
  readonly client: number;
  readonly kind: WorkKind;
  readonly procedure: string;
  readonly dossier: string;
  /**
   * The applicant (a citizen or an enterprise) first, then the other entities the request names at
   * its root: its case's dossier must list them in enforce mode.
   */
  readonly subjects: readonly Subject[];
  /** The JSON body. */
  readonly body: string;
}

export type WorkKind =
  | 'profile'
  | 'household'
  | 'enterprise'
  | 'batch'
  | 'land'
  | 'verifyResult'
  | 'issueResult';

/**
 * A one-stop office's day: single-citizen profiles most, then result verification (documents issued
 * elsewhere, no paper copy), household and family lookups, enterprise checks, land, a batch for a
 * household registration, and a few writes of results.
 */
export const WORK_MIX: readonly (readonly [WorkKind, number])[] = [
  ['profile', 40],
  ['verifyResult', 15],
  ['household', 14],
  ['enterprise', 12],
  ['land', 8],
  ['batch', 8],
  ['issueResult', 3],
];

/** Requests of one client under one dossier (a case), in a row. */
export const CASE_REQUESTS = 4;

const ADDRESS = '{ provinceName communeName detail }';

export const WORK_QUERIES: Readonly<Record<WorkKind, string>> = {
  profile: `query Profile($id: ID!) { citizen(id: $id) {
    id fullName dateOfBirth sex status nationality permanentResidence ${ADDRESS}
    household { code } spouse { id fullName }
    enterprises { code name status }
    socialInsurance { code status healthInsuranceCard { number validFrom validTo } }
    landCertificates { serial issuedOn }
    issuedResults { code title status issuedAt } } }`,
  household: `query Household($id: ID!) { citizen(id: $id) {
    id fullName dateOfBirth permanentResidence ${ADDRESS}
    father { id fullName } mother { id fullName } spouse { id fullName dateOfBirth }
    household { code members { relationToHead citizen { id fullName dateOfBirth sex } } } } }`,
  enterprise: `query Enterprise($code: ID!) { enterprise(code: $code) {
    code name type status headOffice ${ADDRESS}
    legalRepresentative { id fullName dateOfBirth }
    owners { capitalShare citizen { id fullName } }
    landCertificates { serial parcels { parcelNumber area } } } }`,
  batch: `query Batch($ids: [ID!]!) { citizens(ids: $ids) {
    id fullName dateOfBirth sex status spouse { id fullName }
    socialInsurance { code status } } }`,
  land: `query Land($serial: String!) { landCertificate(serial: $serial) {
    serial issuedOn parcels { parcelNumber area usePurpose } } }`,
  verifyResult: `query Result($code: ID!) { issuedResult(code: $code) {
    code procedureCode title status issuedAt validUntil attestation
    issuingAgency { code name } subject { kind citizen { id fullName } } } }`,
  issueResult: `mutation Issue($input: IssueResultInput!) { issueResult(input: $input) {
    code status issuedAt attestation } }`,
};

export interface WorkloadOptions {
  /** Distinct citizens the day's requests draw from. */
  readonly poolSize: number;
  readonly requests: number;
  readonly seed: string | number;
}

/**
 * The day's requests. Enterprise, land and result requests name an enterprise, certificate or result
 * of one of the pool's citizens (what an applicant brings to the office), so they too mostly exist.
 */
export function buildWorkload(options: WorkloadOptions): WorkRequest[] {
  const rng = new Rng('bench-workload', options.seed);
  const pool = sampleCitizenIds(options.poolSize, `pool-${options.seed}`);
  const mix = new Weighted(WORK_MIX);
  const clients = new Weighted(BENCH_CLIENTS.map((c, i) => [i, c.weight] as const));
  const citizen = () => rng.pick(pool);
  // What the pool's citizens bring besides themselves: their enterprises, certificates and results.
  const enterprises = pool.flatMap((c) => theoCaNhan(c).map((r) => r.maSoDoanhNghiep));
  const serials = pool.flatMap((c) => {
    const person = decodePerson(c);
    return person ? serialsOfCitizen(person).map((s) => [c, s] as const) : [];
  });
  const results = pool.flatMap((c) => resultsOfCitizen(c).map((r) => [c, r.maKetQua] as const));
  const pickOf = <T>(list: readonly T[]) => (list.length > 0 ? rng.pick(list) : undefined);
  const out: WorkRequest[] = [];
  const cases: { number: number; requests: number; subjects: Set<string> }[] = [];
  for (let n = 0; n < options.requests; n++) {
    const picked = clients.pick(rng);
    const kind = mix.pick(rng);
    const client = kind === 'issueResult' ? ISSUING_CLIENT : picked;
    const request = (
      kind: WorkKind,
      variables: Record<string, unknown>,
      subjects: Subject[],
      procedure = READ_PROCEDURE,
    ): WorkRequest => {
      // A case is a dossier an officer works on: up to CASE_REQUESTS of the client's requests under
      // one procedure in a row (a dossier is for one procedure), naming no more subjects than the
      // one-stop system accepts on one dossier.
      const caseKey = kind === 'issueResult' ? client + BENCH_CLIENTS.length : client;
      let current = cases[caseKey] ?? { number: 0, requests: 0, subjects: new Set<string>() };
      const keys = subjects.map((s) => `${s.loai}:${s.ma}`);
      const grown = new Set([...current.subjects, ...keys]);
      if (
        current.requests === CASE_REQUESTS ||
        (current.requests > 0 && grown.size > MAX_RELATED_SUBJECTS + 1)
      ) {
        current = { number: current.number + 1, requests: 0, subjects: new Set(keys) };
      } else current = { ...current, subjects: grown };
      current.requests += 1;
      cases[caseKey] = current;
      return {
        client,
        kind,
        procedure,
        dossier: dossierId(caseKey, options.seed, current.number),
        subjects,
        body: JSON.stringify({ query: WORK_QUERIES[kind], variables }),
      };
    };
    const profile = (id: string) => request('profile', { id }, [{ loai: 'CONG_DAN', ma: id }]);
    const id = citizen();
    switch (kind) {
      case 'profile':
      case 'household':
        out.push(request(kind, { id }, [{ loai: 'CONG_DAN', ma: id }]));
        break;
      case 'batch': {
        const ids = Array.from({ length: 5 + rng.int(16) }, citizen);
        out.push(
          request(
            'batch',
            { ids },
            [...new Set(ids)].map((ma) => ({ loai: 'CONG_DAN', ma })),
          ),
        );
        break;
      }
      case 'enterprise': {
        const code = pickOf(enterprises);
        out.push(code ? request('enterprise', { code }, [{ loai: 'DOANH_NGHIEP', ma: code }]) : profile(id));
        break;
      }
      case 'land': {
        const [holder, serial] = pickOf(serials) ?? [];
        out.push(
          holder && serial
            ? request('land', { serial }, [
                { loai: 'CONG_DAN', ma: holder },
                { loai: 'GIAY_CHUNG_NHAN', ma: serial },
              ])
            : profile(id),
        );
        break;
      }
      case 'verifyResult': {
        const [subject, code] = pickOf(results) ?? [];
        out.push(
          subject && code
            ? request('verifyResult', { code }, [
                { loai: 'CONG_DAN', ma: subject },
                { loai: 'KET_QUA', ma: code },
              ])
            : profile(id),
        );
        break;
      }
      case 'issueResult': {
        const spec = BENCH_CLIENTS[client]!;
        const input = {
          procedureCode: ISSUE_PROCEDURE,
          procedureName: 'Đăng ký khai sinh',
          title: 'Trích lục khai sinh',
          agencyCode: spec.agency,
          agencyName: spec.agencyName,
          subject: { kind: 'CITIZEN', id },
          documentSha256: createHash('sha256').update(`bench-document-${options.seed}-${n}`).digest('hex'),
        };
        out.push(request('issueResult', { input }, [{ loai: 'CONG_DAN', ma: id }], ISSUE_PROCEDURE));
        break;
      }
    }
  }
  return out;
}

/** A dossier code shaped like the one-stop systems' (H<province>.<unit>-<yymmdd>-<number>). */
function dossierId(caseKey: number, seed: string | number, caseNumber: number): string {
  const tag = createHash('sha256').update(String(seed)).digest('hex').slice(0, 6).toUpperCase();
  return `H${String(caseKey + 10)}.${tag}-251201-${String(caseNumber).padStart(6, '0')}`;
}

/** The identical-request workload other published benchmarks use: one operation, one client, one dossier. */
export function identicalWorkload(id: string): WorkRequest[] {
  return [
    {
      client: 0,
      kind: 'profile',
      procedure: READ_PROCEDURE,
      dossier: 'H10.SAME00-251201-000000',
      subjects: [{ loai: 'CONG_DAN', ma: id }],
      body: JSON.stringify({ query: WORK_QUERIES.profile, variables: { id } }),
    },
  ];
}

/** Requests per kind: what the report states as the mix actually sent. */
export function kindCounts(requests: readonly WorkRequest[]): Record<WorkKind, number> {
  const counts = Object.fromEntries(WORK_MIX.map(([k]) => [k, 0])) as Record<WorkKind, number>;
  for (const r of requests) counts[r.kind]++;
  return counts;
}

/** The requests as sent: each with its client's token and its purpose headers. */
export function prepare(requests: readonly WorkRequest[], tokens: readonly string[]): PreparedRequest[] {
  return requests.map((r) => ({
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${tokens[r.client] ?? tokens[0]}`,
      'x-procedure-code': r.procedure,
      'x-dossier-id': r.dossier,
    },
    body: r.body,
  }));
}
