import { describe, expect, it } from 'vitest';
import { agencyProvince } from '../lib/agency.ts';
import { DOSSIER_IDS, FIXTURE_AGENCIES, fixtureDossiers, procedureCodeNamed } from './dossierFixtures.ts';
import { DossierStore, hoSoSchema } from './dossiers.ts';
import { FIXTURES as F } from './fixtures.ts';

const byId = new Map(fixtureDossiers().map((d) => [d.maHoSo, d]));
const dossier = (key: keyof typeof DOSSIER_IDS) => byId.get(DOSSIER_IDS[key])!;

describe('fixture dossiers', () => {
  it('lists every named dossier once, and each passes the validation a received dossier passes', () => {
    expect([...byId.keys()].sort()).toEqual(Object.values(DOSSIER_IDS).sort());
    for (const hoSo of byId.values()) expect(hoSoSchema.safeParse(hoSo).success).toBe(true);
  });

  it('has the states tests rely on: open, cancelled, completed long ago, and another province', () => {
    expect(dossier('example').trangThai).toBe('DANG_XU_LY');
    expect(dossier('cancelled').trangThai).toBe('DA_HUY');
    expect(dossier('birthRegistration')).toMatchObject({ trangThai: 'DA_TRA_KET_QUA' });
    expect(dossier('birthRegistration').ngayTraKetQua! < '2020-01-01').toBe(true);
    expect(agencyProvince(dossier('otherAgency').maCoQuan)).toBe('01');
    for (const key of [
      'example',
      'birthRegistration',
      'enterpriseChange',
      'landTransfer',
      'cancelled',
    ] as const)
      expect(agencyProvince(dossier(key).maCoQuan)).toBe('92');
  });

  it('names the fixture family as subjects, and the birth registration of the first child', () => {
    const subjects = (key: keyof typeof DOSSIER_IDS) => {
      const d = dossier(key);
      return [d.chuHoSo, ...d.doiTuongLienQuan].map((s) => `${s.loai}:${s.ma}`);
    };
    expect(subjects('example')).toEqual(
      expect.arrayContaining([`CONG_DAN:${F.husband}`, `CONG_DAN:${F.wife}`, `CONG_DAN:${F.children[0]}`]),
    );
    expect(subjects('birthRegistration')).toEqual(
      expect.arrayContaining([`CONG_DAN:${F.children[0]}`, `KET_QUA:${F.birthRegistration}`]),
    );
    expect(subjects('enterpriseChange')[0]).toBe(`DOANH_NGHIEP:${F.enterprise}`);
    expect(subjects('landTransfer')).toContain(`GIAY_CHUNG_NHAN:${F.landSerial}`);
    expect(dossier('enterpriseChange').maCoQuan).toBe(FIXTURE_AGENCIES.canThoBusiness);
  });

  it('takes procedure codes from the registry by name, and fails loudly on a name it lacks', () => {
    expect(dossier('birthRegistration').maTTHC).toBe(procedureCodeNamed('Đăng ký khai sinh'));
    expect(() => procedureCodeNamed('Thủ tục không có')).toThrow(/no procedure named/);
  });
});

describe('DossierStore', () => {
  const received = (n: number) => ({
    ...dossier('example'),
    maHoSo: `H92.31-TEST-${String(n).padStart(4, '0')}`,
  });

  it('forgets the oldest received dossier beyond its bound, never a fixture', () => {
    const store = new DossierStore({ fixtures: fixtureDossiers(), maxReceived: 3 });
    for (let n = 1; n <= 5; n++) expect(store.receive(received(n))).toBe(true);
    expect(store.receivedCount()).toBe(3);
    expect(store.get(received(1).maHoSo)).toBeUndefined();
    expect(store.get(received(2).maHoSo)).toBeUndefined();
    expect(store.get(received(5).maHoSo)).toBeDefined();
    expect(store.get(DOSSIER_IDS.example)).toBeDefined();
  });

  it('refuses a second dossier with a code that exists, fixture or received', () => {
    const store = new DossierStore({ fixtures: fixtureDossiers() });
    expect(store.receive(dossier('example'))).toBe(false);
    expect(store.receive(received(1))).toBe(true);
    expect(store.receive(received(1))).toBe(false);
  });

  it('moves an open dossier on, and never a settled or cancelled one', () => {
    const store = new DossierStore({ fixtures: fixtureDossiers() });
    const done = store.changeStatus(DOSSIER_IDS.example, {
      trangThai: 'DA_TRA_KET_QUA',
      ngayTraKetQua: '2025-12-01',
    });
    expect(done).toMatchObject({ trangThai: 'DA_TRA_KET_QUA', ngayTraKetQua: '2025-12-01' });
    expect(store.changeStatus(DOSSIER_IDS.example, { trangThai: 'DA_HUY', ngayTraKetQua: null })).toBe(
      'final',
    );
    expect(store.changeStatus(DOSSIER_IDS.cancelled, { trangThai: 'DANG_XU_LY', ngayTraKetQua: null })).toBe(
      'final',
    );
    expect(
      store.changeStatus(DOSSIER_IDS.landTransfer, {
        trangThai: 'DA_TRA_KET_QUA',
        ngayTraKetQua: '2001-01-01',
      }),
    ).toBe('before-receipt');
    expect(store.changeStatus('H00.00-NONE-0000', { trangThai: 'DA_HUY', ngayTraKetQua: null })).toBe(
      'not-found',
    );
  });
});
