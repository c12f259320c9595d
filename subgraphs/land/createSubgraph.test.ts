import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockedSubgraph, startMockedSubgraph } from '../../tests/support/mockedSubgraph.ts';
import { createLandSubgraph } from './createSubgraph.ts';
import type { GiayChungNhan } from './datasources/types.ts';

const SERIAL = 'CS123456';
const PERSON = '001085000123';
const COMPANY = '0100109106';

const certificate: GiayChungNhan = {
  soPhatHanh: SERIAL,
  soVaoSo: 'CH00123',
  ngayCap: '2018-06-01',
  coQuanCap: 'Sở Tài nguyên và Môi trường Hà Nội',
  nguoiSuDung: [
    { loai: 'CA_NHAN', soDinhDanh: PERSON },
    { loai: 'TO_CHUC', maSoDoanhNghiep: COMPANY },
  ],
  thuaDat: [
    {
      soThua: 12,
      soToBanDo: '7',
      dienTich: 85.5,
      mucDichSuDung: 'Đất ở tại đô thị',
      thoiHanSuDung: 'Lâu dài',
      diaChi: { maTinh: '01', tenTinh: 'Hà Nội', maXa: '00004', tenXa: 'Ba Đình', chiTiet: null },
    },
  ],
  phienBan: 1,
  capNhatLuc: '2025-01-01T00:00:00Z',
};

describe('land subgraph', () => {
  let mocked: MockedSubgraph;
  beforeEach(async () => {
    mocked = await startMockedSubgraph('land', createLandSubgraph);
  });
  afterEach(async () => {
    await mocked[Symbol.asyncDispose]();
  });

  const answerCertificates = () =>
    mocked.answer('/api/v1/giay-chung-nhan/tra-cuu', (body) =>
      (body['soPhatHanh'] as string[]).map((s) => (s === SERIAL ? certificate : null)),
    );

  it('translates a certificate with its holders and parcels', async () => {
    answerCertificates();
    const answer = await mocked.query(
      ['land:read'],
      `{ landCertificate(serial: "${SERIAL}") { serial registryNumber issuedOn issuingAuthority
         holders { kind citizen { id } enterprise { code } }
         parcels { parcelNumber mapSheetNumber area usePurpose useTerm address { provinceName detail } } } }`,
    );
    expect(answer.body.data?.['landCertificate']).toEqual({
      serial: SERIAL,
      registryNumber: 'CH00123',
      issuedOn: '2018-06-01',
      issuingAuthority: 'Sở Tài nguyên và Môi trường Hà Nội',
      holders: [
        { kind: 'INDIVIDUAL', citizen: { id: PERSON }, enterprise: null },
        { kind: 'ORGANIZATION', citizen: null, enterprise: { code: COMPANY } },
      ],
      parcels: [
        {
          parcelNumber: '12',
          mapSheetNumber: '7',
          area: 85.5,
          usePurpose: 'Đất ở tại đô thị',
          useTerm: 'Lâu dài',
          address: { provinceName: 'Hà Nội', detail: null },
        },
      ],
    });
  });

  it('finds a certificate by its serial as printed, with a space, and answers the compact serial', async () => {
    const asked: string[] = [];
    mocked.answer('/api/v1/giay-chung-nhan/tra-cuu', (body) => {
      asked.push(...(body['soPhatHanh'] as string[]));
      return (body['soPhatHanh'] as string[]).map((s) => (s === SERIAL ? certificate : null));
    });
    const answer = await mocked.query(['land:read'], '{ landCertificate(serial: "CS 123456") { serial } }');
    expect(answer.body.data?.['landCertificate']).toEqual({ serial: SERIAL });
    expect(asked).toEqual([SERIAL]);
  });

  it('refuses a serial with two spaces or a lower-case prefix, asking the land database nothing', async () => {
    // No upstream answer is registered and the network is closed: a call would fail otherwise than
    // BAD_USER_INPUT.
    for (const serial of ['CS  123456', 'cs 123456', 'CS 12345', ' CS123456']) {
      const answer = await mocked.query(['land:read'], `{ landCertificate(serial: "${serial}") { serial } }`);
      expect(answer.body.errors?.[0]?.extensions?.['code'], serial).toBe('BAD_USER_INPUT');
    }
  });

  it("finds an enterprise's certificates by its code", async () => {
    mocked.answer('/api/v1/giay-chung-nhan/theo-chu-su-dung', (body) =>
      (body['maSoDoanhNghiep'] as string[]).map(() => [SERIAL]),
    );
    answerCertificates();
    const answer = await mocked.query(
      ['land:read'],
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { landCertificates { serial } } } }',
      { r: [{ __typename: 'Enterprise', code: COMPANY }] },
    );
    expect(answer.body.data?.['_entities']).toEqual([{ landCertificates: [{ serial: SERIAL }] }]);
  });
});
