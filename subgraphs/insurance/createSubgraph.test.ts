import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockedSubgraph, startMockedSubgraph } from '../../tests/support/mockedSubgraph.ts';
import { createInsuranceSubgraph } from './createSubgraph.ts';
import type { ThamGiaBaoHiem } from './datasources/types.ts';

const INSURED = '001085000123';
const NEVER = '001185000124';

const participation: ThamGiaBaoHiem = {
  maSoBHXH: '0123456789',
  soDinhDanh: INSURED,
  trangThaiThamGia: 'DANG_THAM_GIA',
  quaTrinhDong: [
    {
      tuThang: '2015-01',
      denThang: '2019-12',
      maDonVi: '0100109106',
      tenDonVi: 'Công ty An Bình',
      mucLuong: 9_000_000,
      loaiBaoHiem: 'BHXH_BAT_BUOC',
    },
    {
      tuThang: '2020-01',
      denThang: null,
      maDonVi: null,
      tenDonVi: null,
      mucLuong: 4_000_000,
      loaiBaoHiem: 'BHXH_TU_NGUYEN',
    },
  ],
  theBHYT: {
    maThe: 'GD4010123456789',
    noiDangKyKCB: { ma: '01001', ten: 'Trạm Y tế Phường Ba Đình' },
    giaTriTu: '2025-01-01',
    giaTriDen: '2025-12-31',
  },
  phienBan: 1,
  capNhatLuc: '2025-01-01T00:00:00Z',
};

describe('insurance subgraph', () => {
  let mocked: MockedSubgraph;
  beforeEach(async () => {
    mocked = await startMockedSubgraph('insurance', createInsuranceSubgraph);
  });
  afterEach(async () => {
    await mocked[Symbol.asyncDispose]();
  });

  it('translates participation for several citizens in one upstream request', async () => {
    mocked.answer('/api/v1/bhxh/theo-ca-nhan', (body) =>
      (body['soDinhDanh'] as string[]).map((id) => (id === INSURED ? participation : null)),
    );
    const answer = await mocked.query(
      ['insurance:read'],
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { id socialInsurance {
         code status contributionPeriods { fromMonth toMonth employer { code } employerName salary kind }
         healthInsuranceCard { number registeredFacility { code name } validFrom validTo } } } } }`,
      { r: [INSURED, NEVER].map((id) => ({ __typename: 'Citizen', id })) },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.['_entities']).toEqual([
      {
        id: INSURED,
        socialInsurance: {
          code: '0123456789',
          status: 'PARTICIPATING',
          contributionPeriods: [
            {
              fromMonth: '2015-01',
              toMonth: '2019-12',
              employer: { code: '0100109106' },
              employerName: 'Công ty An Bình',
              salary: 9_000_000,
              kind: 'COMPULSORY',
            },
            {
              fromMonth: '2020-01',
              toMonth: null,
              employer: null,
              employerName: null,
              salary: 4_000_000,
              kind: 'VOLUNTARY',
            },
          ],
          healthInsuranceCard: {
            number: 'GD4010123456789',
            registeredFacility: { code: '01001', name: 'Trạm Y tế Phường Ba Đình' },
            validFrom: '2025-01-01',
            validTo: '2025-12-31',
          },
        },
      },
      { id: NEVER, socialInsurance: null },
    ]);
  });
});
