// Records of the issued results registry as its API returns them (mocks/API.md "results").

export type LoaiDoiTuong = 'CONG_DAN' | 'DOANH_NGHIEP';

export interface KetQua {
  readonly maKetQua: string;
  readonly maThuTuc: string;
  readonly tenThuTuc: string | null;
  readonly trichYeu: string | null;
  readonly coQuanCap: { readonly ma: string; readonly ten: string; readonly maTinh: string | null } | null;
  readonly ngayCap: string;
  readonly coGiaTriDen: string | null;
  readonly trangThai: 'CON_HIEU_LUC' | 'HET_HIEU_LUC' | 'DA_THU_HOI' | 'DA_THAY_THE';
  readonly maKetQuaThayThe: string | null;
  readonly doiTuong: { readonly loai: LoaiDoiTuong; readonly ma: string } | null;
  readonly maBamTaiLieu: string | null;
  readonly chuKy: string;
  readonly phienBan: number;
  readonly capNhatLuc: string;
}
