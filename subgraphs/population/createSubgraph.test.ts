import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import {
  createTestSigner,
  errorCodes,
  postGraphQL,
  type TestSigner,
} from '../../tests/support/internalTokens.ts';
import type { RunningSubgraph } from '../common/createSubgraphServer.ts';
import { createPopulationSubgraph } from './createSubgraph.ts';
import type { CongDan } from './datasources/types.ts';

const UPSTREAM = 'http://population.test';
const ID = '001085000123';
const FATHER = '001055000456';

const citizen = (id: string, overrides: Partial<CongDan> = {}): CongDan => ({
  soDinhDanh: id,
  hoVaTen: `Người ${id.slice(-3)}`,
  ngaySinh: '1985-03-14',
  gioiTinh: 'NAM',
  trangThai: 'CON_SONG',
  ngayMat: null,
  quocTich: 'Việt Nam',
  danToc: 'Kinh',
  tonGiao: 'Không',
  noiDangKyKhaiSinh: null,
  queQuan: null,
  noiThuongTru: { maTinh: '01', tenTinh: 'Hà Nội', maXa: '00004', tenXa: 'Ba Đình', chiTiet: 'Số 1' },
  noiOHienTai: null,
  maHoGiaDinh: '010000000001',
  soDinhDanhCha: null,
  soDinhDanhMe: null,
  soDinhDanhVoChong: null,
  phienBan: 1,
  capNhatLuc: '2025-01-01T00:00:00Z',
  ...overrides,
});

describe('population subgraph', () => {
  let agent: MockAgent;
  let signer: TestSigner;
  let subgraph: RunningSubgraph;
  const bodies: unknown[] = [];

  beforeEach(async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    signer = await createTestSigner();
    subgraph = await createPopulationSubgraph({
      upstreamUrl: UPSTREAM,
      upstreamApiKey: 'k',
      internalJwks: signer.jwks,
      dispatcher: agent,
      logger: silentLogger(),
    });
    bodies.length = 0;
  });

  afterEach(async () => {
    await subgraph.close();
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  function answerCitizens(records: Record<string, CongDan | null>, times = 1) {
    agent
      .get(UPSTREAM)
      .intercept({ path: '/api/v1/cong-dan/tra-cuu', method: 'POST', headers: { authorization: 'Bearer k' } })
      .reply(200, (opts) => {
        const { soDinhDanh } = JSON.parse(String(opts.body)) as { soDinhDanh: string[] };
        bodies.push(soDinhDanh);
        return { ketQua: soDinhDanh.map((id) => records[id] ?? null) };
      })
      .times(times);
  }

  it('translates a citizen and loads the father in a second batch', async () => {
    answerCitizens({ [ID]: citizen(ID, { soDinhDanhCha: FATHER }), [FATHER]: citizen(FATHER) }, 2);
    const token = await signer.token('population', ['population:read']);
    const answer = await postGraphQL(
      subgraph.url,
      token,
      `{ citizen(id: "${ID}") { id fullName sex status permanentResidence { provinceName detail } father { id fullName } } }`,
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({
      citizen: {
        id: ID,
        fullName: 'Người 123',
        sex: 'MALE',
        status: 'ALIVE',
        permanentResidence: { provinceName: 'Hà Nội', detail: 'Số 1' },
        father: { id: FATHER, fullName: 'Người 456' },
      },
    });
    expect(bodies).toEqual([[ID], [FATHER]]);
  });

  it('names three generations of a household: child-in-law and grandchild', async () => {
    answerCitizens({ [ID]: citizen(ID) });
    agent
      .get(UPSTREAM)
      .intercept({ path: '/api/v1/ho-gia-dinh/tra-cuu', method: 'POST' })
      .reply(200, () => ({
        ketQua: [
          {
            maHo: '010000000001',
            soDinhDanhChuHo: FATHER,
            diaChi: citizen(ID).noiThuongTru,
            thanhVien: [
              { soDinhDanh: FATHER, quanHeVoiChuHo: 'CHU_HO' },
              { soDinhDanh: ID, quanHeVoiChuHo: 'CON' },
              { soDinhDanh: '001187000789', quanHeVoiChuHo: 'CON_DAU' },
              { soDinhDanh: '001210000321', quanHeVoiChuHo: 'CHAU' },
              { soDinhDanh: '001150000654', quanHeVoiChuHo: 'NGUOI_O_NHO' },
            ],
            phienBan: 1,
            capNhatLuc: '2025-01-01T00:00:00Z',
          },
        ],
      }));
    const token = await signer.token('population', ['population:read']);
    const answer = await postGraphQL(
      subgraph.url,
      token,
      `{ citizen(id: "${ID}") { household { members { relationToHead } } } }`,
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toBeDefined();
    const { household } = answer.body.data!['citizen'] as {
      household: { members: { relationToHead: string }[] };
    };
    expect(household.members.map((m) => m.relationToHead)).toEqual([
      'HEAD',
      'CHILD',
      'CHILD_IN_LAW',
      'GRANDCHILD',
      'OTHER',
    ]);
  });

  it('answers citizens(ids:) in order with null where not found, in one upstream request', async () => {
    answerCitizens({ [ID]: citizen(ID) });
    const token = await signer.token('population', ['population:read']);
    const answer = await postGraphQL(subgraph.url, token, `{ citizens(ids: ["${FATHER}", "${ID}"]) { id } }`);
    expect(answer.body.data).toEqual({ citizens: [null, { id: ID }] });
    expect(bodies).toEqual([[FATHER, ID]]);
  });

  it('refuses a malformed id with BAD_USER_INPUT and no upstream request', async () => {
    const token = await signer.token('population', ['population:read']);
    const answer = await postGraphQL(subgraph.url, token, '{ citizen(id: "12345") { id } }');
    expect(errorCodes(answer)).toEqual({ citizen: 'BAD_USER_INPUT' });
    expect(answer.body.errors?.[0]?.message).toContain('"id"');
    expect(answer.body.errors?.[0]?.message).not.toContain('12345');
  });

  it('caps citizens(ids:) at 100 ids', async () => {
    const token = await signer.token('population', ['population:read']);
    const ids = Array.from({ length: 101 }, () => ID);
    const answer = await postGraphQL(
      subgraph.url,
      token,
      'query($ids: [ID!]!) { citizens(ids: $ids) { id } }',
      {
        ids,
      },
    );
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('serves a citizen without population:sensitive but refuses ethnicity', async () => {
    answerCitizens({ [ID]: citizen(ID) });
    const token = await signer.token('population', ['population:read']);
    const answer = await postGraphQL(subgraph.url, token, `{ citizen(id: "${ID}") { fullName ethnicity } }`);
    expect(answer.body.data).toEqual({ citizen: { fullName: 'Người 123', ethnicity: null } });
    expect(errorCodes(answer)).toEqual({ 'citizen.ethnicity': 'FORBIDDEN' });
  });

  it('turns an upstream 503 into UPSTREAM_UNAVAILABLE without the upstream body', async () => {
    agent
      .get(UPSTREAM)
      .intercept({ path: '/api/v1/cong-dan/tra-cuu', method: 'POST' })
      .reply(503, 'secret-host-detail');
    const token = await signer.token('population', ['population:read']);
    const answer = await postGraphQL(subgraph.url, token, `{ citizen(id: "${ID}") { id } }`);
    expect(answer.status).toBe(200);
    expect(errorCodes(answer)).toEqual({ citizen: 'UPSTREAM_UNAVAILABLE' });
    expect(JSON.stringify(answer.body)).not.toContain('secret-host-detail');
    expect(JSON.stringify(answer.body)).not.toContain('population.test');
  });

  it('attack: _entities without population:read gets FORBIDDEN and never reaches upstream', async () => {
    const token = await signer.token('population', ['insurance:read']);
    const answer = await postGraphQL(
      subgraph.url,
      token,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { fullName } } }`,
      { r: [{ __typename: 'Citizen', id: ID }] },
    );
    expect(errorCodes(answer)).toEqual({ '_entities.0.fullName': 'FORBIDDEN' });
  });

  it('attack: no internal token is 401 UNAUTHENTICATED', async () => {
    const answer = await postGraphQL(subgraph.url, undefined, `{ citizen(id: "${ID}") { id } }`);
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });
});
