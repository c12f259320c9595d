// Records of the national population database as its API returns them (mocks/API.md "population").
import type { DiaChi } from '../../common/address.ts';

export interface CongDan {
  readonly soDinhDanh: string;
  readonly hoVaTen: string;
  readonly ngaySinh: string;
  readonly gioiTinh: 'NAM' | 'NU';
  readonly trangThai: 'CON_SONG' | 'DA_CHET';
  readonly ngayMat: string | null;
  readonly quocTich: string | null;
  readonly danToc: string | null;
  readonly tonGiao: string | null;
  readonly noiDangKyKhaiSinh: DiaChi | null;
  readonly queQuan: DiaChi | null;
  readonly noiThuongTru: DiaChi | null;
  readonly noiOHienTai: DiaChi | null;
  readonly maHoGiaDinh: string | null;
  readonly soDinhDanhCha: string | null;
  readonly soDinhDanhMe: string | null;
  readonly soDinhDanhVoChong: string | null;
  readonly phienBan: number;
  readonly capNhatLuc: string;
}

export interface HoGiaDinh {
  readonly maHo: string;
  readonly soDinhDanhChuHo: string;
  readonly diaChi: DiaChi | null;
  readonly thanhVien: readonly { readonly soDinhDanh: string; readonly quanHeVoiChuHo: string }[];
  readonly phienBan: number;
  readonly capNhatLuc: string;
}
