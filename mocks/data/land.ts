// Records of the land database (CSDL quốc gia về đất đai): land-use right certificates.
import { spouseOf } from './family.ts';
import { Rng } from './hash.ts';
import { certificateYear, holderOfSerial, type LandHolder } from './landHolders.ts';
import { dateInYear, type Person, pad2 } from './person.ts';
import { communeIn, type DiaChi, homeProvince, province, toDiaChi } from './places.ts';
import { permanentResidence } from './population.ts';

export interface NguoiSuDung {
  loai: 'CA_NHAN' | 'TO_CHUC';
  soDinhDanh?: string;
  maSoDoanhNghiep?: string;
}

export interface ThuaDat {
  soThua: number;
  soToBanDo: number;
  dienTich: number;
  mucDichSuDung: string;
  thoiHanSuDung: string;
  diaChi: DiaChi;
}

export interface GiayChungNhan {
  soPhatHanh: string;
  soVaoSo: string;
  ngayCap: string;
  coQuanCap: string;
  nguoiSuDung: NguoiSuDung[];
  thuaDat: ThuaDat[];
}

/** The people a certificate names: a husband with his wife, or one adult, or one enterprise. */
export function holdersListed(holder: LandHolder): NguoiSuDung[] {
  if (holder.kind === 'TO_CHUC') return [{ loai: 'TO_CHUC', maSoDoanhNghiep: holder.enterprise.code }];
  const spouse: Person | undefined = spouseOf(holder.person);
  return [holder.person, ...(spouse ? [spouse] : [])].map((p) => ({ loai: 'CA_NHAN', soDinhDanh: p.id }));
}

function parcels(holder: LandHolder, provinceCode: string, year: number, rng: Rng): ThuaDat[] {
  const count = holder.kind === 'TO_CHUC' ? 1 : rng.between(1, 3);
  const list: ThuaDat[] = [];
  for (let i = 0; i < count; i++) {
    const commune = communeIn(provinceCode, rng);
    const urban = commune.type === 'ward';
    const [purpose, min, max] =
      holder.kind === 'TO_CHUC'
        ? rng.chance(0.5)
          ? (['Đất thương mại, dịch vụ (TMD)', 500, 5000] as const)
          : (['Đất cơ sở sản xuất phi nông nghiệp (SKC)', 1000, 20000] as const)
        : i === 0
          ? urban
            ? (['Đất ở tại đô thị (ODT)', 40, 200] as const)
            : (['Đất ở tại nông thôn (ONT)', 100, 600] as const)
          : // A parcel carries the code of its own land type, never a group code: rice land is
            // LUC or LUK (Land Law 2024, art. 9; Decree 102/2024/NĐ-CP), not the group LUA.
            rng.chance(0.5)
            ? rng.chance(0.7)
              ? (['Đất chuyên trồng lúa (LUC)', 500, 5000] as const)
              : (['Đất trồng lúa còn lại (LUK)', 300, 3000] as const)
            : (['Đất trồng cây lâu năm (CLN)', 300, 3000] as const);
    const permanent = purpose.startsWith('Đất ở');
    list.push({
      soThua: rng.between(1, 999),
      soToBanDo: rng.between(1, 80),
      dienTich: Math.round((min + rng.next() * (max - min)) * 10) / 10,
      mucDichSuDung: purpose,
      thoiHanSuDung: permanent
        ? 'Lâu dài'
        : `Đến ngày ${pad2(rng.between(1, 28))}/${pad2(rng.between(1, 12))}/${year + 50}`,
      diaChi: toDiaChi(
        commune,
        urban ? `Số ${rng.between(1, 300)}` : `Thửa ${rng.between(1, 999)}, cánh đồng ${rng.between(1, 9)}`,
      ),
    });
  }
  return list;
}

export function landProvince(holder: LandHolder): string {
  return holder.kind === 'TO_CHUC'
    ? homeProvince(holder.enterprise.representative.province)
    : permanentResidence(holder.person).maTinh;
}

export function issuingAuthority(provinceCode: string, year: number): string {
  // Since 1 March 2025 the provincial departments of natural resources merged into agriculture.
  const department = year >= 2025 ? 'Sở Nông nghiệp và Môi trường' : 'Sở Tài nguyên và Môi trường';
  return `${department} ${province(provinceCode).nameWithType}`;
}

export function giayChungNhan(serial: string): GiayChungNhan | null {
  const holder = holderOfSerial(serial);
  if (!holder) return null;
  const rng = new Rng('land', serial);
  const year = certificateYear(holder);
  const where = landProvince(holder);
  return {
    soPhatHanh: serial,
    soVaoSo: `CS${String(rng.int(100_000)).padStart(5, '0')}`,
    ngayCap: dateInYear(year, 'land-issued', serial),
    coQuanCap: issuingAuthority(where, year),
    nguoiSuDung: holdersListed(holder),
    thuaDat: parcels(holder, where, year, rng),
  };
}
