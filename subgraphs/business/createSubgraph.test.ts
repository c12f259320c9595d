import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockedSubgraph, startMockedSubgraph } from '../../tests/support/mockedSubgraph.ts';
import { createBusinessSubgraph } from './createSubgraph.ts';
import type { DoanhNghiep } from './datasources/types.ts';

const CODE = '0100109106';
const OWNER = '0100112437';
const PERSON = '001085000123';

const enterprise: DoanhNghiep = {
  maSoDoanhNghiep: CODE,
  tenDoanhNghiep: 'Công ty Cổ phần An Bình',
  tenTiengAnh: 'An Binh JSC',
  loaiHinh: 'CONG_TY_CO_PHAN',
  ngayThanhLap: '2010-05-04',
  tinhTrang: 'TAM_NGUNG',
  diaChiTruSo: { maTinh: '01', tenTinh: 'Hà Nội', maXa: '00004', tenXa: 'Ba Đình', chiTiet: 'Số 2' },
  vonDieuLe: 50_000_000_000,
  nganhNgheChinh: { ma: '6201', ten: 'Lập trình máy vi tính' },
  nguoiDaiDienPhapLuat: { soDinhDanh: PERSON, chucDanh: 'Giám đốc' },
  chuSoHuu: [
    { soDinhDanh: PERSON, tyLeVon: 60 },
    { maSoDoanhNghiep: OWNER, tyLeVon: 40 },
  ],
  phienBan: 1,
  capNhatLuc: '2025-01-01T00:00:00Z',
};

describe('business subgraph', () => {
  let mocked: MockedSubgraph;
  beforeEach(async () => {
    mocked = await startMockedSubgraph('business', createBusinessSubgraph);
  });
  afterEach(async () => {
    await mocked[Symbol.asyncDispose]();
  });

  it('translates an enterprise, with its people and owners as references', async () => {
    mocked.answer('/api/v1/doanh-nghiep/tra-cuu', (body) =>
      (body['maSoDoanhNghiep'] as string[]).map((c) => (c === CODE ? enterprise : null)),
    );
    const answer = await mocked.query(
      ['business:read'],
      `{ enterprise(code: "${CODE}") { code name englishName type foundedOn status charterCapital
         headOffice { provinceName } mainBusinessLine { code name } legalRepresentative { id } legalRepresentativeTitle
         owners { capitalShare citizen { id } enterprise { code } } } }`,
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.['enterprise']).toEqual({
      code: CODE,
      name: 'Công ty Cổ phần An Bình',
      englishName: 'An Binh JSC',
      type: 'CONG_TY_CO_PHAN',
      foundedOn: '2010-05-04',
      status: 'SUSPENDED',
      charterCapital: 50_000_000_000,
      headOffice: { provinceName: 'Hà Nội' },
      mainBusinessLine: { code: '6201', name: 'Lập trình máy vi tính' },
      legalRepresentative: { id: PERSON },
      legalRepresentativeTitle: 'Giám đốc',
      owners: [
        { capitalShare: 60, citizen: { id: PERSON }, enterprise: null },
        { capitalShare: 40, citizen: null, enterprise: { code: OWNER } },
      ],
    });
  });

  it("lists a citizen's enterprises once each, and their roles", async () => {
    mocked.answer('/api/v1/doanh-nghiep/theo-ca-nhan', (body) =>
      (body['soDinhDanh'] as string[]).map(() => [
        { maSoDoanhNghiep: CODE, vaiTro: 'DAI_DIEN_PHAP_LUAT' },
        { maSoDoanhNghiep: CODE, vaiTro: 'CHU_SO_HUU' },
      ]),
    );
    const answer = await mocked.query(
      ['business:read'],
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { enterprises { code } enterpriseRoles { role enterprise { code } } } } }',
      { r: [{ __typename: 'Citizen', id: PERSON }] },
    );
    expect(answer.body.data?.['_entities']).toEqual([
      {
        enterprises: [{ code: CODE }],
        enterpriseRoles: [
          { role: 'LEGAL_REPRESENTATIVE', enterprise: { code: CODE } },
          { role: 'OWNER', enterprise: { code: CODE } },
        ],
      },
    ]);
  });
});
