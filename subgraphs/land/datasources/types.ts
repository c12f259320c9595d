// Records of the national land database as its API returns them (mocks/API.md "land").
import type { DiaChi } from '../../common/address.ts';

export interface GiayChungNhan {
  readonly soPhatHanh: string;
  readonly soVaoSo: string | null;
  readonly ngayCap: string | null;
  readonly coQuanCap: string | null;
  readonly nguoiSuDung: readonly {
    readonly loai: 'CA_NHAN' | 'TO_CHUC';
    readonly soDinhDanh?: string;
    readonly maSoDoanhNghiep?: string;
  }[];
  readonly thuaDat: readonly {
    readonly soThua: string | number;
    readonly soToBanDo: string | number;
    readonly dienTich: number;
    readonly mucDichSuDung: string | null;
    readonly thoiHanSuDung: string | null;
    readonly diaChi: DiaChi | null;
  }[];
  readonly phienBan: number;
  readonly capNhatLuc: string;
}
