// Dossiers the onestop mock always holds, built around the fixture family (mocks/fixtures.ts) so that
// demos, docs and tests can read their data under a real purpose. Subjects come from FIXTURES and
// procedure codes from the registry by name, so that neither is written twice.
import { readFileSync } from 'node:fs';
import { syntheticResult } from './data/results.ts';
import type { DoiTuong, HoSo } from './dossiers.ts';
import { FIXTURES as F } from './fixtures.ts';

interface RegistryEntry {
  readonly code: string;
  readonly name: string;
}

const REGISTRY = JSON.parse(
  readFileSync(new URL('../schema/procedures.json', import.meta.url), 'utf8'),
) as readonly RegistryEntry[];

/** The code of the registry's procedure with exactly this name; throws when there is none. */
export function procedureCodeNamed(name: string): string {
  const entry = REGISTRY.find((p) => p.name === name);
  if (!entry) throw new Error(`dossier fixtures: schema/procedures.json has no procedure named "${name}"`);
  return entry.code;
}

/** Receiving agencies of the fixture dossiers. */
export const FIXTURE_AGENCIES = {
  /** Phường Ninh Kiều, Cần Thơ: receives the family's dossiers (a dossier may be filed anywhere in the province). */
  canThoCommune: '31135',
  /** Cần Thơ's business registration office. */
  canThoBusiness: '92-DKKD',
  /** Cần Thơ's land registration office. */
  canThoLand: '92-VPDKDD',
  /** Phường Ba Đình, Hà Nội: another province's commune. */
  haNoiCommune: '00004',
} as const;

/** Codes (mã hồ sơ) of the fixture dossiers. */
export const DOSSIER_IDS = {
  /** The dossier of `npm start`'s printed example: open, Cần Thơ, every source's data of the husband. */
  example: 'H92.31-251121-0042',
  /** The first child's birth registration, settled in Cần Thơ in the child's birth year: completed long ago. */
  birthRegistration: 'H92.31-KS-0001',
  /** Change of the enterprise's legal representative, received by Cần Thơ's business registration office. */
  enterpriseChange: 'H92.DKKD-251124-0108',
  /** Transfer of the couple's land, in processing at Cần Thơ's land registration office. */
  landTransfer: 'H92.VPDKDD-251120-0031',
  /** The wife's marital status certificate, cancelled (DA_HUY). */
  cancelled: 'H92.31-251110-0009',
  /** The husband's permanent residence registration, received in Hà Nội: another agency's dossier. */
  otherAgency: 'H01.01-251121-0007',
} as const;

const citizen = (ma: string) => ({ loai: 'CONG_DAN', ma }) as const satisfies DoiTuong;
const family = [F.wife, ...F.children].map(citizen);

function birthRegistrationDate(): string {
  const result = syntheticResult(F.birthRegistration);
  if (!result) throw new Error('dossier fixtures: the fixture birth registration is not in the results data');
  return result.ngayCap;
}

export function fixtureDossiers(): HoSo[] {
  const born = birthRegistrationDate();
  return [
    {
      maHoSo: DOSSIER_IDS.example,
      maTTHC: procedureCodeNamed('Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm'),
      maCoQuan: FIXTURE_AGENCIES.canThoCommune,
      trangThai: 'DANG_XU_LY',
      ngayTiepNhan: '2025-11-21',
      ngayTraKetQua: null,
      chuHoSo: citizen(F.husband),
      doiTuongLienQuan: [
        ...family,
        { loai: 'DOANH_NGHIEP', ma: F.enterprise },
        { loai: 'GIAY_CHUNG_NHAN', ma: F.landSerial },
      ],
    },
    {
      maHoSo: DOSSIER_IDS.birthRegistration,
      maTTHC: procedureCodeNamed('Đăng ký khai sinh'),
      maCoQuan: FIXTURE_AGENCIES.canThoCommune,
      trangThai: 'DA_TRA_KET_QUA',
      ngayTiepNhan: born,
      ngayTraKetQua: born,
      chuHoSo: citizen(F.husband),
      doiTuongLienQuan: [
        citizen(F.children[0]),
        citizen(F.wife),
        { loai: 'KET_QUA', ma: F.birthRegistration },
      ],
    },
    {
      maHoSo: DOSSIER_IDS.enterpriseChange,
      maTTHC: procedureCodeNamed('Đăng ký thay đổi người đại diện theo pháp luật của doanh nghiệp'),
      maCoQuan: FIXTURE_AGENCIES.canThoBusiness,
      trangThai: 'DA_TIEP_NHAN',
      ngayTiepNhan: '2025-11-24',
      ngayTraKetQua: null,
      chuHoSo: { loai: 'DOANH_NGHIEP', ma: F.enterprise },
      doiTuongLienQuan: [citizen(F.husband), { loai: 'KET_QUA', ma: F.businessRegistration }],
    },
    {
      maHoSo: DOSSIER_IDS.landTransfer,
      maTTHC: procedureCodeNamed(
        'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
      ),
      maCoQuan: FIXTURE_AGENCIES.canThoLand,
      trangThai: 'DANG_XU_LY',
      ngayTiepNhan: '2025-11-20',
      ngayTraKetQua: null,
      chuHoSo: citizen(F.husband),
      doiTuongLienQuan: [
        citizen(F.wife),
        { loai: 'GIAY_CHUNG_NHAN', ma: F.landSerial },
        { loai: 'KET_QUA', ma: F.landResult },
      ],
    },
    {
      maHoSo: DOSSIER_IDS.cancelled,
      maTTHC: procedureCodeNamed('Cấp Giấy xác nhận tình trạng hôn nhân'),
      maCoQuan: FIXTURE_AGENCIES.canThoCommune,
      trangThai: 'DA_HUY',
      ngayTiepNhan: '2025-11-10',
      ngayTraKetQua: null,
      chuHoSo: citizen(F.wife),
      doiTuongLienQuan: [],
    },
    {
      maHoSo: DOSSIER_IDS.otherAgency,
      maTTHC: procedureCodeNamed('Đăng ký thường trú'),
      maCoQuan: FIXTURE_AGENCIES.haNoiCommune,
      trangThai: 'DA_TIEP_NHAN',
      ngayTiepNhan: '2025-11-21',
      ngayTraKetQua: null,
      chuHoSo: citizen(F.husband),
      doiTuongLienQuan: [],
    },
  ];
}
