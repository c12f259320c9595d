// Records of the national insurance database as its API returns them (mocks/API.md "insurance").

export interface ThamGiaBaoHiem {
  readonly maSoBHXH: string;
  readonly soDinhDanh: string;
  readonly trangThaiThamGia: 'DANG_THAM_GIA' | 'DUNG_THAM_GIA';
  readonly quaTrinhDong: readonly {
    readonly tuThang: string;
    readonly denThang: string | null;
    readonly maDonVi: string | null;
    readonly tenDonVi: string | null;
    readonly mucLuong: number | null;
    readonly loaiBaoHiem: 'BHXH_BAT_BUOC' | 'BHXH_TU_NGUYEN';
  }[];
  readonly theBHYT: {
    readonly maThe: string;
    readonly noiDangKyKCB: { readonly ma: string; readonly ten: string } | null;
    readonly giaTriTu: string;
    readonly giaTriDen: string | null;
  } | null;
  readonly phienBan: number;
  readonly capNhatLuc: string;
}
