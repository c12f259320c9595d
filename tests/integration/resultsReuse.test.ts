// Issue 6 end to end through the gateway: a result issued in Cần Thơ is read and verified in Hà Nội,
// revoked and superseded by its agency only, and its attestation checked against every forgery.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';

const CAN_THO_AGENCY = '31135'; // Phường Ninh Kiều, Cần Thơ
const OTHER_AGENCY = '00004'; // Phường Ba Đình, Hà Nội
const BIRTH_REGISTRATION = '1.001193';
const CAN_THO_DOSSIER = 'H92.31135-251121-0001';
const PASSPORT = '2.002154';
const HA_NOI_DOSSIER = 'H01.22-251122-0007';
const CHILD = FIXTURES.children[1];

const RESULT_FIELDS = `code procedureCode procedureName title status issuedAt validUntil documentSha256 attestation
  issuingAgency { code name provinceCode } subject { kind citizen { id } }
  supersededBy { code status } supersedes { code status }
  provenance { source version sourceUpdatedAt fetchedAt fromCache cacheAgeSeconds }`;
const ISSUE = `mutation($input: IssueResultInput!) { issueResult(input: $input) { ${RESULT_FIELDS} } }`;
const REVOKE = `mutation($code: ID!, $reason: String!) { revokeResult(code: $code, reason: $reason) { ${RESULT_FIELDS} } }`;
const SUPERSEDE = `mutation($code: ID!, $reason: String!, $replacement: ResultReplacementInput!) {
  supersedeResult(code: $code, reason: $reason, replacement: $replacement) { ${RESULT_FIELDS} } }`;
const READ = `query($code: ID!) { issuedResult(code: $code) { ${RESULT_FIELDS} } }`;
const VERIFY = `query($a: String!) { verifyIssuedResult(attestation: $a) {
  valid reason keyId signedAt currentStatus result { code status }
  claims { code procedureCode title agencyCode issuedAt validUntil status subjectKind subjectId documentSha256 } } }`;

type Result = Record<string, any>;
let stack: Stack;
let issuerToken: string;
let readerToken: string;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function issueInput(overrides: Record<string, unknown> = {}) {
  return {
    procedureCode: BIRTH_REGISTRATION,
    procedureName: 'Đăng ký khai sinh',
    title: 'Trích lục khai sinh',
    agencyCode: CAN_THO_AGENCY,
    agencyName: 'UBND phường Ninh Kiều',
    subject: { kind: 'CITIZEN', id: CHILD },
    documentSha256: sha256('scan of the birth registration extract'),
    ...overrides,
  };
}

/** As the Cần Thơ commune's one-stop system, for a birth registration dossier. */
const asIssuer = (token = issuerToken) => ({
  token,
  procedure: BIRTH_REGISTRATION,
  dossier: CAN_THO_DOSSIER,
});
/** As Hà Nội's passport office, another province. */
const asReader = () => ({ token: readerToken, procedure: PASSPORT, dossier: HA_NOI_DOSSIER });

async function issue(overrides: Record<string, unknown> = {}): Promise<Result> {
  const answer = await stack.query(ISSUE, { input: issueInput(overrides) }, asIssuer());
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data!['issueResult'] as Result;
}

async function verify(attestation: string): Promise<Result> {
  const answer = await stack.query(VERIFY, { a: attestation }, asReader());
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data!['verifyIssuedResult'] as Result;
}

beforeAll(async () => {
  stack = await startStack();
  issuerToken = await stack.token('population:read results:read results:issue', {
    sub: 'ubnd-ninhkieu.motcua',
    officer: 'Cán bộ tư pháp',
    agency: CAN_THO_AGENCY,
  });
  readerToken = await stack.token('population:read results:read', { sub: 'bca-xuatnhapcanh.hanoi' });
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

describe('a result issued in Cần Thơ, reused in Hà Nội', () => {
  it('is issued by the agency its token names, in that agency’s province', async () => {
    const result = await issue();
    expect(result).toMatchObject({
      procedureCode: BIRTH_REGISTRATION,
      status: 'VALID',
      issuingAgency: { code: CAN_THO_AGENCY, name: 'UBND phường Ninh Kiều', provinceCode: '92' },
      subject: { kind: 'CITIZEN', citizen: { id: CHILD } },
      supersededBy: null,
      supersedes: null,
      provenance: { source: 'RESULTS', version: 1, fromCache: false, cacheAgeSeconds: 0 },
    });
    expect(result['code']).toMatch(/^KQ-92-\d{4}-\d{6}$/);
  });

  it('is read by a client of another province with results:read, with an attestation that verifies', async () => {
    const issued = await issue();
    const answer = await stack.query(READ, { code: issued['code'] }, asReader());
    expect(answer.body.errors).toBeUndefined();
    const read = answer.body.data!['issuedResult'] as Result;
    expect(read).toMatchObject({
      code: issued['code'],
      status: 'VALID',
      issuingAgency: { provinceCode: '92' },
    });
    expect(read['attestation']).toBe(issued['attestation']);
    // The citizen's own list of results shows it too.
    const listed = await stack.query(
      `query($id: ID!) { citizen(id: $id) { issuedResults(procedureCode: "${BIRTH_REGISTRATION}", status: "VALID") { code } } }`,
      { id: CHILD },
      asReader(),
    );
    const codes = (listed.body.data!['citizen'] as Result)['issuedResults'].map((r: Result) => r['code']);
    expect(codes).toContain(issued['code']);

    const check = await verify(read['attestation']);
    expect(check).toMatchObject({
      valid: true,
      reason: null,
      currentStatus: 'VALID',
      claims: {
        code: issued['code'],
        procedureCode: BIRTH_REGISTRATION,
        agencyCode: CAN_THO_AGENCY,
        status: 'VALID',
        subjectKind: 'CITIZEN',
        subjectId: CHILD,
        documentSha256: issueInput().documentSha256,
      },
    });
    expect(check['keyId']).toBeTruthy();
  });
});
