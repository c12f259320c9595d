// Records of the business registration database (CSDL quốc gia về đăng ký doanh nghiệp).
import { isEnterpriseCode } from '../../lib/ids.ts';
import { branchCount, type EnterpriseRef, enterpriseRef, enterprisesOf } from './enterprises.ts';
import { spouseOf } from './family.ts';
import { Rng, Weighted } from './hash.ts';
import { dateInYear, deathYear, decodePerson, type Person } from './person.ts';
import { addressIn, type DiaChi, homeProvince } from './places.ts';
import { permanentResidence } from './population.ts';

export type LoaiHinh =
  | 'DOANH_NGHIEP_TU_NHAN'
  | 'CONG_TY_TNHH_MTV'
  | 'CONG_TY_TNHH_2TV'
  | 'CONG_TY_CO_PHAN'
  | 'CHI_NHANH';

export interface ChuSoHuu {
  soDinhDanh?: string;
  maSoDoanhNghiep?: string;
  tyLeVon: number;
}

export interface DoanhNghiep {
  maSoDoanhNghiep: string;
  tenDoanhNghiep: string;
  tenTiengAnh: string;
  loaiHinh: LoaiHinh;
  ngayThanhLap: string;
  tinhTrang: 'DANG_HOAT_DONG' | 'TAM_NGUNG' | 'GIAI_THE';
  diaChiTruSo: DiaChi;
  vonDieuLe: number;
  nganhNgheChinh: { ma: string; ten: string };
  nguoiDaiDienPhapLuat: { soDinhDanh: string; chucDanh: string };
  chuSoHuu: ChuSoHuu[];
}

export interface VaiTro {
  maSoDoanhNghiep: string;
  vaiTro: 'DAI_DIEN_PHAP_LUAT' | 'CHU_SO_HUU';
}

// [VSIC code, Vietnamese name, word in the company name, English word]
const INDUSTRIES = [
  ['4719', 'Bán lẻ khác trong các cửa hàng kinh doanh tổng hợp', 'Thương mại', 'Trading'],
  ['4933', 'Vận tải hàng hóa bằng đường bộ', 'Vận tải', 'Logistics'],
  ['5610', 'Nhà hàng và các dịch vụ ăn uống phục vụ lưu động', 'Dịch vụ Ăn uống', 'Food Services'],
  ['4101', 'Xây dựng nhà để ở', 'Xây dựng', 'Construction'],
  ['6201', 'Lập trình máy vi tính', 'Công nghệ', 'Technology'],
  ['4669', 'Bán buôn chuyên doanh khác chưa được phân vào đâu', 'Xuất nhập khẩu', 'Import Export'],
  ['1410', 'May trang phục (trừ trang phục từ da lông thú)', 'May mặc', 'Garment'],
  ['0322', 'Nuôi trồng thủy sản nội địa', 'Thủy sản', 'Seafood'],
  [
    '6810',
    'Kinh doanh bất động sản, quyền sử dụng đất thuộc chủ sở hữu, chủ sử dụng hoặc đi thuê',
    'Bất động sản',
    'Real Estate',
  ],
  ['7020', 'Hoạt động tư vấn quản lý', 'Tư vấn', 'Consulting'],
  ['4520', 'Bảo dưỡng, sửa chữa ô tô và xe có động cơ khác', 'Ô tô', 'Auto'],
  ['1079', 'Sản xuất thực phẩm khác chưa được phân vào đâu', 'Thực phẩm', 'Foods'],
  ['8559', 'Giáo dục khác chưa được phân vào đâu', 'Giáo dục', 'Education'],
  ['5510', 'Dịch vụ lưu trú ngắn ngày', 'Du lịch', 'Tourism'],
] as const;

const BRAND_FIRST = [
  'Minh',
  'Hoàng',
  'An',
  'Phú',
  'Thành',
  'Đại',
  'Tân',
  'Việt',
  'Hưng',
  'Phúc',
  'Kim',
  'Sao',
  'Bảo',
  'Trường',
  'Hải',
  'Nam',
] as const;
const BRAND_SECOND = [
  'Phát',
  'Long',
  'Khang',
  'Thịnh',
  'Đạt',
  'Nguyên',
  'Lộc',
  'Tiến',
  'Quang',
  'Mai',
  'Sơn',
  'Á',
  'Vượng',
  'Hà',
  'Việt',
  'Tín',
] as const;

const TYPES = new Weighted<LoaiHinh>([
  ['DOANH_NGHIEP_TU_NHAN', 15],
  ['CONG_TY_TNHH_MTV', 40],
  ['CONG_TY_TNHH_2TV', 20],
  ['CONG_TY_CO_PHAN', 25],
]);

const TYPE_NAMES: Readonly<Record<LoaiHinh, readonly [string, string]>> = {
  DOANH_NGHIEP_TU_NHAN: ['Doanh nghiệp tư nhân', 'Private Enterprise'],
  CONG_TY_TNHH_MTV: ['Công ty TNHH', 'Company Limited'],
  CONG_TY_TNHH_2TV: ['Công ty TNHH', 'Company Limited'],
  CONG_TY_CO_PHAN: ['Công ty Cổ phần', 'Joint Stock Company'],
  CHI_NHANH: ['Chi nhánh', 'Branch'],
};

const CAPITAL = [100, 300, 500, 1_000, 2_000, 5_000, 10_000, 50_000] as const;

const stripMarks = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');

/** The type, with a two-member company falling back to one member when there is no spouse to co-own it. */
function typeOf(ref: EnterpriseRef, spouse: Person | undefined): LoaiHinh {
  const type = TYPES.pick(new Rng('enterprise-type', ref.code));
  return type === 'CONG_TY_TNHH_2TV' && !spouse ? 'CONG_TY_TNHH_MTV' : type;
}

function owners(ref: EnterpriseRef, type: LoaiHinh, spouse: Person | undefined): ChuSoHuu[] {
  const rep = ref.representative.id;
  if (type === 'CONG_TY_TNHH_2TV' && spouse)
    return [
      { soDinhDanh: rep, tyLeVon: 60 },
      { soDinhDanh: spouse.id, tyLeVon: 40 },
    ];
  if (type !== 'CONG_TY_CO_PHAN') return [{ soDinhDanh: rep, tyLeVon: 100 }];
  const sister = enterprisesOf(ref.representative).find((other) => other.index !== ref.index);
  const list: ChuSoHuu[] = [{ soDinhDanh: rep, tyLeVon: spouse ? 45 : 65 }];
  if (spouse) list.push({ soDinhDanh: spouse.id, tyLeVon: 20 });
  if (sister) list.push({ maSoDoanhNghiep: sister.code, tyLeVon: 15 });
  return list;
}

export function enterpriseStatus(ref: EnterpriseRef): DoanhNghiep['tinhTrang'] {
  if (deathYear(ref.representative) !== undefined) return 'GIAI_THE';
  const u = new Rng('enterprise-status', ref.code).next();
  return u < 0.84 ? 'DANG_HOAT_DONG' : u < 0.92 ? 'TAM_NGUNG' : 'GIAI_THE';
}

interface EnterpriseName {
  readonly vi: string;
  readonly en: string;
  readonly type: LoaiHinh;
  readonly industry: (typeof INDUSTRIES)[number];
}

export function enterpriseName(ref: EnterpriseRef): EnterpriseName {
  const rng = new Rng('enterprise-name', ref.code);
  const type = typeOf(ref, spouseOf(ref.representative));
  const industry = rng.pick(INDUSTRIES);
  const brand = `${rng.pick(BRAND_FIRST)} ${rng.pick(BRAND_SECOND)}`;
  return {
    vi: `${TYPE_NAMES[type][0]} ${industry[2]} ${brand}`,
    en: `${stripMarks(brand)} ${industry[3]} ${TYPE_NAMES[type][1]}`,
    type,
    industry,
  };
}

function mainRecord(ref: EnterpriseRef): DoanhNghiep {
  const rng = new Rng('enterprise', ref.code);
  const spouse = spouseOf(ref.representative);
  const { vi, en, type, industry } = enterpriseName(ref);
  const hq = rng.chance(0.7)
    ? permanentResidence(ref.representative).maTinh
    : homeProvince(ref.representative.province);
  return {
    maSoDoanhNghiep: ref.code,
    tenDoanhNghiep: vi,
    tenTiengAnh: en,
    loaiHinh: type,
    ngayThanhLap: dateInYear(ref.foundingYear, 'founded', ref.code),
    tinhTrang: enterpriseStatus(ref),
    diaChiTruSo: addressIn(hq, rng),
    vonDieuLe: rng.pick(CAPITAL) * 1_000_000 * (type === 'CONG_TY_CO_PHAN' ? 10 : 1),
    nganhNgheChinh: { ma: industry[0], ten: industry[1] },
    nguoiDaiDienPhapLuat: {
      soDinhDanh: ref.representative.id,
      chucDanh:
        type === 'DOANH_NGHIEP_TU_NHAN'
          ? 'Chủ doanh nghiệp'
          : type === 'CONG_TY_CO_PHAN'
            ? 'Tổng giám đốc'
            : 'Giám đốc',
    },
    chuSoHuu: owners(ref, type, spouse),
  };
}

/** A record by code (10 digits, or 13 with a branch suffix); null when it does not exist. */
export function doanhNghiep(code: string): DoanhNghiep | null {
  if (!isEnterpriseCode(code)) return null;
  const [main, branch] = code.split('-') as [string, string | undefined];
  const ref = enterpriseRef(main);
  if (!ref) return null;
  const record = mainRecord(ref);
  if (branch === undefined) return record;
  const n = Number(branch);
  if (n > branchCount(main)) return null;
  const rng = new Rng('branch', code);
  const address = addressIn(rng.chance(0.5) ? '79' : '01', rng);
  return {
    ...record,
    maSoDoanhNghiep: code,
    tenDoanhNghiep: `Chi nhánh ${record.tenDoanhNghiep} tại ${address.tenTinh}`,
    tenTiengAnh: `${record.tenTiengAnh} - ${stripMarks(address.tenTinh)} Branch`,
    loaiHinh: 'CHI_NHANH',
    ngayThanhLap: dateInYear(Math.min(ref.foundingYear + 1 + n, 2026), 'branch-founded', code),
    diaChiTruSo: address,
    vonDieuLe: 0,
    nguoiDaiDienPhapLuat: { soDinhDanh: ref.representative.id, chucDanh: 'Người đứng đầu chi nhánh' },
    chuSoHuu: [{ maSoDoanhNghiep: main, tyLeVon: 100 }],
  };
}

/** The enterprises a citizen represents, then those their spouse's enterprises list them as co-owner of. */
export function theoCaNhan(id: string): VaiTro[] {
  const person = decodePerson(id);
  if (!person) return [];
  const roles: VaiTro[] = enterprisesOf(person).map((ref) => ({
    maSoDoanhNghiep: ref.code,
    vaiTro: 'DAI_DIEN_PHAP_LUAT',
  }));
  const spouse = spouseOf(person);
  if (spouse) {
    for (const ref of enterprisesOf(spouse)) {
      const type = typeOf(ref, person);
      if (type === 'CONG_TY_TNHH_2TV' || type === 'CONG_TY_CO_PHAN')
        roles.push({ maSoDoanhNghiep: ref.code, vaiTro: 'CHU_SO_HUU' });
    }
  }
  return roles;
}
