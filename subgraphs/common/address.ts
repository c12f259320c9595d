// The national databases' address record (DiaChi) in the schema's English shape.

/** mocks/API.md "DiaChi": today's province and commune, and the street-level detail. */
export interface DiaChi {
  readonly maTinh: string;
  readonly tenTinh: string;
  readonly maXa: string;
  readonly tenXa: string;
  readonly chiTiet?: string | null;
}

export interface Address {
  readonly provinceCode: string;
  readonly provinceName: string;
  readonly communeCode: string;
  readonly communeName: string;
  readonly detail: string | null;
}

export function toAddress(diaChi: DiaChi | null | undefined): Address | null {
  if (!diaChi) return null;
  return {
    provinceCode: diaChi.maTinh,
    provinceName: diaChi.tenTinh,
    communeCode: diaChi.maXa,
    communeName: diaChi.tenXa,
    detail: diaChi.chiTiet ?? null,
  };
}
