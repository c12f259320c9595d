// Records of the national business registration database as its API returns them
// (mocks/API.md "business").
import type { DiaChi } from '../../common/address.ts';

export interface DoanhNghiep {
  readonly maSoDoanhNghiep: string;
  readonly tenDoanhNghiep: string;
  readonly tenTiengAnh: string | null;
  readonly loaiHinh: string;
  readonly ngayThanhLap: string;
  readonly tinhTrang: 'DANG_HOAT_DONG' | 'TAM_NGUNG' | 'GIAI_THE';
  readonly diaChiTruSo: DiaChi | null;
  readonly vonDieuLe: number | null;
  readonly nganhNgheChinh: { readonly ma: string; readonly ten: string } | null;
  readonly nguoiDaiDienPhapLuat: { readonly soDinhDanh: string; readonly chucDanh: string | null } | null;
  readonly chuSoHuu: readonly {
    readonly soDinhDanh?: string;
    readonly maSoDoanhNghiep?: string;
    readonly tyLeVon: number | null;
  }[];
  readonly phienBan: number;
  readonly capNhatLuc: string;
}

/** One enterprise a citizen is linked to (theo-ca-nhan). */
export interface VaiTroDoanhNghiep {
  readonly maSoDoanhNghiep: string;
  readonly vaiTro: 'DAI_DIEN_PHAP_LUAT' | 'CHU_SO_HUU';
}
