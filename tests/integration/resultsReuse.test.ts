// Issue 6 end to end through the gateway: a result issued in Cần Thơ is read and verified in Hà Nội,
// revoked and superseded by its agency only, and its attestation checked against every forgery.
import { createHash } from 'node:crypto';
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRecordCache } from '../../lib/cache/memoryRecordCache.ts';
import { createTtlPolicy } from '../../lib/cache/ttlPolicy.ts';
import { generateSigningJwk, signingKeyFromJwk } from '../../lib/keys.ts';
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

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by shape with toMatchObject
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

/** Requests to the registry's write API (issue, revoke, supersede) since the last reset. */
function registryWrites(): number {
  const { byRoute } = stack.mocks.results.stats();
  return Object.entries(byRoute)
    .filter(([route]) => !route.includes('tra-cuu') && !route.includes('theo-doi-tuong'))
    .reduce((sum, [, count]) => sum + count, 0);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (jws: string) => jws.split('.') as [string, string, string];
const claimsOf = (jws: string) => JSON.parse(Buffer.from(parts(jws)[1], 'base64url').toString('utf8'));

beforeAll(async () => {
  // A record cache in every subgraph, so that the writes' evictions and provenance's cache age show.
  stack = await startStack({ cache: () => createMemoryRecordCache({ ttl: createTtlPolicy({}) }) });
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

// First in the file: the results subgraph fetches the registry's keys on its first verification, and
// re-fetches for an unknown key id at most once per 30 s, so the rotation happens before that fetch.
describe('registry key rotation', () => {
  it('keeps attestations signed before a rotation verifiable, beside those signed after', async () => {
    const before = await issue();
    const oldKid = JSON.parse(Buffer.from(parts(before['attestation'])[0], 'base64url').toString()).kid;
    const newKey = await stack.mocks.results.rotateRegistryKey();
    // The registry now signs the same result with its new key.
    const reread = await stack.query(READ, { code: before['code'] }, asReader());
    const after = (reread.body.data!['issuedResult'] as Result)['attestation'] as string;
    expect(after).not.toBe(before['attestation']);
    expect(await verify(after)).toMatchObject({ valid: true, keyId: newKey.kid, currentStatus: 'VALID' });
    expect(await verify(before['attestation'])).toMatchObject({
      valid: true,
      keyId: oldKid,
      currentStatus: 'VALID',
      claims: { code: before['code'] },
    });
  });
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

describe('revoking and superseding', () => {
  it('revoke: the old attestation still verifies as a signature but reports REVOKED', async () => {
    const issued = await issue();
    // Read once in Hà Nội, so that the record is cached there before it is revoked.
    expect((await verify(issued['attestation']))['currentStatus']).toBe('VALID');
    const answer = await stack.query(
      REVOKE,
      { code: issued['code'], reason: 'Cấp sai thông tin' },
      asIssuer(),
    );
    expect(answer.body.errors).toBeUndefined();
    const revoked = answer.body.data!['revokeResult'] as Result;
    expect(revoked).toMatchObject({ code: issued['code'], status: 'REVOKED' });
    expect(revoked['attestation']).not.toBe(issued['attestation']);

    const check = await verify(issued['attestation']);
    expect(check).toMatchObject({
      valid: true,
      reason: null,
      claims: { code: issued['code'], status: 'VALID' },
      currentStatus: 'REVOKED',
      result: { code: issued['code'], status: 'REVOKED' },
    });
    const read = await stack.query(READ, { code: issued['code'] }, asReader());
    expect(read.body.data!['issuedResult']).toMatchObject({ status: 'REVOKED' });
    // The registry's new attestation says so itself.
    expect((await verify(revoked['attestation']))['claims']['status']).toBe('REVOKED');
  });

  it('refuses to revoke a result twice, naming the argument', async () => {
    const issued = await issue();
    await stack.query(REVOKE, { code: issued['code'], reason: 'Lần một' }, asIssuer());
    const again = await stack.query(REVOKE, { code: issued['code'], reason: 'Lần hai' }, asIssuer());
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'code' });
  });

  it('supersede: the new result and the old one are linked both ways', async () => {
    const issued = await issue();
    const answer = await stack.query(
      SUPERSEDE,
      {
        code: issued['code'],
        reason: 'Cải chính hộ tịch',
        replacement: { title: 'Trích lục khai sinh (cải chính)', documentSha256: sha256('corrected scan') },
      },
      asIssuer(),
    );
    expect(answer.body.errors).toBeUndefined();
    const next = answer.body.data!['supersedeResult'] as Result;
    expect(next).toMatchObject({
      status: 'VALID',
      title: 'Trích lục khai sinh (cải chính)',
      procedureCode: BIRTH_REGISTRATION,
      issuingAgency: { code: CAN_THO_AGENCY, provinceCode: '92' },
      subject: { citizen: { id: CHILD } },
      supersedes: { code: issued['code'], status: 'SUPERSEDED' },
      supersededBy: null,
    });
    const old = await stack.query(READ, { code: issued['code'] }, asReader());
    expect(old.body.data!['issuedResult']).toMatchObject({
      status: 'SUPERSEDED',
      supersededBy: { code: next['code'], status: 'VALID' },
      supersedes: null,
    });
    const check = await verify(issued['attestation']);
    expect(check).toMatchObject({ valid: true, currentStatus: 'SUPERSEDED' });
    // The subject's list, cached before, now holds the replacement.
    const listed = await stack.query(
      `query($id: ID!) { citizen(id: $id) { issuedResults(status: "SUPERSEDED") { code supersededBy { code } } } }`,
      { id: CHILD },
      asReader(),
    );
    expect((listed.body.data!['citizen'] as Result)['issuedResults']).toContainEqual({
      code: issued['code'],
      supersededBy: { code: next['code'] },
    });
  });
});

describe('attack: forged attestations fail verification with a clear reason, never a 500', () => {
  let genuine: Result;
  let other: Result;
  beforeAll(async () => {
    genuine = await issue();
    other = await issue({ title: 'Bản sao trích lục khai sinh' });
  });

  it('a tampered claim', async () => {
    const [header, , signature] = parts(genuine['attestation']);
    const claims = { ...claimsOf(genuine['attestation']), maBamTaiLieu: sha256('another document') };
    expect(await verify(`${header}.${b64(claims)}.${signature}`)).toMatchObject({
      valid: false,
      reason: 'BAD_SIGNATURE',
      claims: null,
    });
  });

  it('a swapped signature', async () => {
    const [header, payload] = parts(genuine['attestation']);
    const foreignSignature = parts(other['attestation'])[2];
    expect(await verify(`${header}.${payload}.${foreignSignature}`)).toMatchObject({
      valid: false,
      reason: 'BAD_SIGNATURE',
    });
  });

  it('a JWS from another key, under its own key id or under the registry’s', async () => {
    const foreign = await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'forger-key'));
    const payload = new TextEncoder().encode(JSON.stringify(claimsOf(genuine['attestation'])));
    const ownKid = await new CompactSign(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'forger-key', typ: 'ket-qua+jws' })
      .sign(foreign.privateKey);
    expect(await verify(ownKid)).toMatchObject({ valid: false, reason: 'UNKNOWN_KEY', keyId: 'forger-key' });
    const registryKid = JSON.parse(Buffer.from(parts(genuine['attestation'])[0], 'base64url').toString()).kid;
    const borrowedKid = await new CompactSign(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid: registryKid, typ: 'ket-qua+jws' })
      .sign(foreign.privateKey);
    expect(await verify(borrowedKid)).toMatchObject({ valid: false, reason: 'BAD_SIGNATURE' });
  });

  it('alg "none" and an HMAC "signature"', async () => {
    const payload = parts(genuine['attestation'])[1];
    expect(await verify(`${b64({ alg: 'none', typ: 'ket-qua+jws' })}.${payload}.`)).toMatchObject({
      valid: false,
      reason: 'ALGORITHM_NOT_ALLOWED',
    });
    const hmac = `${b64({ alg: 'HS256', kid: 'registry' })}.${payload}.${b64('mac')}`;
    expect(await verify(hmac)).toMatchObject({ valid: false, reason: 'ALGORITHM_NOT_ALLOWED' });
  });

  it('garbage, a truncated token and an oversized one', async () => {
    for (const garbage of ['', 'not a jws', 'a.b.c', '..', `${parts(genuine['attestation'])[0]}.%%%.x`])
      expect(await verify(garbage)).toMatchObject({ valid: false, reason: 'MALFORMED', claims: null });
    const truncated = genuine['attestation'].slice(0, genuine['attestation'].length - 10);
    expect(await verify(truncated)).toMatchObject({ valid: false, reason: 'BAD_SIGNATURE' });
    expect(await verify(genuine['attestation'].split('.').slice(0, 2).join('.'))).toMatchObject({
      reason: 'MALFORMED',
    });
    expect(await verify('x'.repeat(20_000))).toMatchObject({ valid: false, reason: 'MALFORMED' });
  });
});

describe('attack: issuing or revoking in another agency’s name', () => {
  it('issuing as another agency is FORBIDDEN and never reaches the registry', async () => {
    stack.resetUpstreamCounts();
    const answer = await stack.query(ISSUE, { input: issueInput({ agencyCode: OTHER_AGENCY }) }, asIssuer());
    expect(answer.body.data?.['issueResult'] ?? null).toBeNull();
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(registryWrites()).toBe(0);
  });

  it('revoking or superseding another agency’s result is FORBIDDEN and leaves it valid', async () => {
    const issued = await issue();
    const haNoiAgency = await stack.token('population:read results:read results:issue', {
      sub: 'ubnd-badinh.motcua',
      agency: OTHER_AGENCY,
    });
    stack.resetUpstreamCounts();
    const revoke = await stack.query(REVOKE, { code: issued['code'], reason: 'x' }, asIssuer(haNoiAgency));
    expect(revoke.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const supersede = await stack.query(
      SUPERSEDE,
      { code: issued['code'], reason: 'x', replacement: { title: 'x', documentSha256: sha256('x') } },
      asIssuer(haNoiAgency),
    );
    expect(supersede.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    // Nor can it revoke a synthetic result of another commune.
    const synthetic = await stack.query(
      REVOKE,
      { code: FIXTURES.birthRegistration, reason: 'x' },
      asIssuer(haNoiAgency),
    );
    expect(synthetic.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(registryWrites()).toBe(0);
    expect((await verify(issued['attestation']))['currentStatus']).toBe('VALID');
  });

  it('a token that names no agency issues nothing; a malformed agency claim is refused outright', async () => {
    const noAgency = await stack.token('population:read results:read results:issue', {
      sub: 'ubnd-x.motcua',
    });
    stack.resetUpstreamCounts();
    const answer = await stack.query(ISSUE, { input: issueInput() }, asIssuer(noAgency));
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const malformed = await stack.token('results:issue', { sub: 'ubnd-x.motcua', agency: '92-<script>' });
    const refused = await stack.query(ISSUE, { input: issueInput() }, asIssuer(malformed));
    expect(refused.status).toBe(401);
    expect(registryWrites()).toBe(0);
  });

  it('a reader without results:issue cannot issue, nor can an issuer under a procedure that issues nothing', async () => {
    stack.resetUpstreamCounts();
    const reader = await stack.query(ISSUE, { input: issueInput() }, { ...asIssuer(readerToken) });
    expect(reader.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    // 1.003005 (poor household recognition) allows reading results, not issuing them.
    const otherProcedure = await stack.query(ISSUE, { input: issueInput() }, { token: issuerToken });
    expect(otherProcedure.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      missingScopes: ['results:issue'],
    });
    const none = await stack.query(
      ISSUE,
      { input: issueInput() },
      { token: issuerToken, procedure: null, dossier: null },
    );
    expect(none.status).toBe(403);
    expect(none.body.errors?.[0]?.extensions?.['code']).toBe('PURPOSE_REQUIRED');
    expect(registryWrites()).toBe(0);
  });

  it('refuses malformed input naming the argument, before the registry', async () => {
    stack.resetUpstreamCounts();
    for (const [overrides, argument] of [
      [{ documentSha256: 'ABC' }, 'input.documentSha256'],
      [{ subject: { kind: 'CITIZEN', id: FIXTURES.malformedCitizenId } }, 'input.subject.id'],
      [{ validUntil: '2030-13-45' }, 'input.validUntil'],
      [{ title: '   ' }, 'input.title'],
    ] as const) {
      const answer = await stack.query(ISSUE, { input: issueInput(overrides) }, asIssuer());
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    }
    expect(registryWrites()).toBe(0);
    // A well-formed id of nobody reaches the registry, which refuses it.
    const nobody = await stack.query(
      ISSUE,
      { input: issueInput({ subject: { kind: 'CITIZEN', id: FIXTURES.notFound } }) },
      asIssuer(),
    );
    expect(nobody.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.subject.id',
    });
  });
});

describe('audit of the writes', () => {
  it('records each issue, and each refused attempt, under the client, officer and dossier', async () => {
    const dossier = 'H92.31135-251121-0999';
    await stack.query(ISSUE, { input: issueInput() }, { ...asIssuer(), dossier });
    await stack.query(ISSUE, { input: issueInput({ agencyCode: OTHER_AGENCY }) }, { ...asIssuer(), dossier });
    const admin = await stack.token('audit:read', { sub: 'admin.lienthong' });
    const answer = await stack.query(
      `query($f: AuditFilter) { auditEvents(filter: $f, first: 10) { edges { node {
        clientId officer procedureCode dossierId subjects fields outcome } } } }`,
      { f: { dossierId: dossier } },
      { token: admin, procedure: null, dossier: null },
    );
    expect(answer.body.errors).toBeUndefined();
    const events = (answer.body.data!['auditEvents'] as Result)['edges'].map((e: Result) => e['node']);
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event).toMatchObject({
        clientId: 'ubnd-ninhkieu.motcua',
        officer: 'Cán bộ tư pháp',
        procedureCode: BIRTH_REGISTRATION,
        dossierId: dossier,
      });
      expect(event['fields']).toContain('Mutation.issueResult');
    }
    expect(events.map((e: Result) => e['outcome']).sort()).toEqual(['denied', 'ok']);
    // Whom the write concerned: the citizen and the result issued.
    const issued = events.find((e: Result) => e['outcome'] === 'ok');
    expect(issued['subjects']).toContain(`Citizen:${CHILD}`);
    expect(issued['subjects'].some((s: string) => /^IssuedResult:KQ-92-/.test(s))).toBe(true);
  });
});

describe('provenance', () => {
  it('tells each entity’s source, version and last change, and whether it came from the cache', async () => {
    const token = await stack.token('population:read business:read insurance:read land:read results:read');
    const query = `query($id: ID!, $serial: String!, $code: ID!) {
      citizen(id: $id) { provenance { source version sourceUpdatedAt fetchedAt fromCache cacheAgeSeconds }
        household { provenance { source version } } socialInsurance { provenance { source version } } }
      landCertificate(serial: $serial) { provenance { source version fromCache } }
      enterprise(code: $code) { provenance { source version fromCache } } }`;
    const variables = { id: FIXTURES.husband, serial: FIXTURES.landSerial, code: FIXTURES.enterprise };
    // A change in the national database: the record's version and time of last change move.
    const change = stack.mocks.population.touch('cong-dan', FIXTURES.husband);
    const first = await stack.query(query, variables, { token });
    expect(first.body.errors).toBeUndefined();
    const data = first.body.data as Result;
    expect(data['citizen']['provenance']).toMatchObject({
      source: 'POPULATION',
      fromCache: false,
      cacheAgeSeconds: 0,
    });
    expect(data['citizen']['provenance']).toMatchObject({
      version: change.phienBan,
      sourceUpdatedAt: change.capNhatLuc,
    });
    expect(change.phienBan).toBeGreaterThanOrEqual(2);
    expect(data['citizen']['household']['provenance']['source']).toBe('POPULATION');
    expect(data['citizen']['socialInsurance']['provenance']['source']).toBe('INSURANCE');
    expect(data['landCertificate']['provenance']).toMatchObject({ source: 'LAND' });
    expect(data['enterprise']['provenance']).toMatchObject({ source: 'BUSINESS' });

    const again = await stack.query(query, variables, { token });
    const cached = again.body.data as Result;
    expect(cached['citizen']['provenance']).toMatchObject({
      fromCache: true,
      fetchedAt: data['citizen']['provenance']['fetchedAt'],
      version: data['citizen']['provenance']['version'],
    });
    expect(cached['citizen']['provenance']['cacheAgeSeconds']).toBeGreaterThanOrEqual(0);
    expect(cached['landCertificate']['provenance']['fromCache']).toBe(true);
    expect(cached['enterprise']['provenance']['fromCache']).toBe(true);
  });

  it('is refused without the owning source’s read scope', async () => {
    const token = await stack.token('results:read');
    const answer = await stack.query(
      `query($code: ID!) { issuedResult(code: $code) { code provenance { source } subject { citizen { provenance { source } } } } }`,
      { code: FIXTURES.birthRegistration },
      { token },
    );
    const result = answer.body.data!['issuedResult'] as Result;
    expect(result['provenance']['source']).toBe('RESULTS');
    expect(result['subject']['citizen']['provenance']).toBeNull();
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
