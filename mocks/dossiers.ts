// The one-stop system's dossiers (hồ sơ): their shape, the validation a dossier passes when it is
// received, and the in-memory store behind the onestop mock. Fixture dossiers are always there;
// received ones are kept up to a bound, the oldest forgotten first, so a long benchmark cannot grow
// the mock without limit.
import { z } from 'zod';
import { isAgencyCode } from '../lib/agency.ts';
import {
  isCitizenId,
  isDossierId,
  isEnterpriseCode,
  isLandSerial,
  isProcedureCode,
  isResultCode,
} from '../lib/ids.ts';

export const TRANG_THAI = ['DA_TIEP_NHAN', 'DANG_XU_LY', 'DA_TRA_KET_QUA', 'DA_HUY'] as const;
export type TrangThai = (typeof TRANG_THAI)[number];

export const LOAI_DOI_TUONG = ['CONG_DAN', 'DOANH_NGHIEP', 'GIAY_CHUNG_NHAN', 'KET_QUA'] as const;
export type LoaiDoiTuong = (typeof LOAI_DOI_TUONG)[number];

/** Each kind of subject checked by its official identifier format. */
const SUBJECT_FORMATS: Readonly<Record<LoaiDoiTuong, (ma: string) => boolean>> = {
  CONG_DAN: (ma) => isCitizenId(ma),
  DOANH_NGHIEP: isEnterpriseCode,
  GIAY_CHUNG_NHAN: isLandSerial,
  KET_QUA: isResultCode,
};

export interface DoiTuong {
  readonly loai: LoaiDoiTuong;
  readonly ma: string;
}

export interface HoSo {
  readonly maHoSo: string;
  readonly maTTHC: string;
  readonly maCoQuan: string;
  readonly trangThai: TrangThai;
  readonly ngayTiepNhan: string;
  readonly ngayTraKetQua: string | null;
  readonly chuHoSo: DoiTuong & { readonly loai: 'CONG_DAN' | 'DOANH_NGHIEP' };
  readonly doiTuongLienQuan: readonly DoiTuong[];
}

/** Most related subjects one dossier may list: a family or a land parcel's co-holders, not a census. */
export const MAX_RELATED_SUBJECTS = 50;

/** A calendar date YYYY-MM-DD that exists (no 2025-02-30). */
const isCalendarDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
};

const date = z.string().refine(isCalendarDate, 'must be a date YYYY-MM-DD');

const subject = z
  .strictObject({ loai: z.enum(LOAI_DOI_TUONG), ma: z.string().max(64) })
  .refine((s) => SUBJECT_FORMATS[s.loai](s.ma), {
    path: ['ma'],
    message: 'must be the official identifier of its kind',
  });

/** Names the field that failed in `path`, never the value. */
export const hoSoSchema = z
  .strictObject({
    maHoSo: z.string().refine(isDossierId, 'must be a dossier code'),
    maTTHC: z.string().refine(isProcedureCode, 'must be a procedure code'),
    maCoQuan: z.string().refine(isAgencyCode, 'must be an agency code'),
    trangThai: z.enum(TRANG_THAI),
    ngayTiepNhan: date,
    ngayTraKetQua: date.nullable(),
    chuHoSo: subject.refine((s) => s.loai === 'CONG_DAN' || s.loai === 'DOANH_NGHIEP', {
      path: ['loai'],
      message: 'the applicant is a citizen or an enterprise',
    }),
    doiTuongLienQuan: z.array(subject).max(MAX_RELATED_SUBJECTS),
  })
  .superRefine((hoSo, ctx) => {
    const returned = hoSo.trangThai === 'DA_TRA_KET_QUA';
    if (returned !== (hoSo.ngayTraKetQua !== null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ngayTraKetQua'],
        message: 'is a date exactly when the result was returned (DA_TRA_KET_QUA)',
      });
    } else if (hoSo.ngayTraKetQua !== null && hoSo.ngayTraKetQua < hoSo.ngayTiepNhan) {
      ctx.addIssue({ code: 'custom', path: ['ngayTraKetQua'], message: 'is before ngayTiepNhan' });
    }
  });

/** The states a dossier leaves no more: its result was returned, or it was cancelled. */
export const isFinal = (trangThai: TrangThai): boolean =>
  trangThai === 'DA_TRA_KET_QUA' || trangThai === 'DA_HUY';

/** A change of status as processing advances; ngayTraKetQua exactly when the result is returned. */
export const statusChangeSchema = z
  .strictObject({ trangThai: z.enum(TRANG_THAI), ngayTraKetQua: date.nullable().default(null) })
  .refine((c) => (c.trangThai === 'DA_TRA_KET_QUA') === (c.ngayTraKetQua !== null), {
    path: ['ngayTraKetQua'],
    message: 'is a date exactly when the result was returned (DA_TRA_KET_QUA)',
  });
export type StatusChange = z.infer<typeof statusChangeSchema>;

export interface DossierStoreOptions {
  /** Dossiers that exist from the start and are never forgotten. */
  readonly fixtures: readonly HoSo[];
  /** Received dossiers kept at most; default 10 000. */
  readonly maxReceived?: number;
}

export class DossierStore {
  // Fixtures change status in place, so they stay outside the bound on received dossiers.
  readonly #fixtures: Map<string, HoSo>;
  // Insertion order is arrival order, so the first key is the oldest received dossier.
  readonly #received = new Map<string, HoSo>();
  readonly #maxReceived: number;

  constructor(options: DossierStoreOptions) {
    this.#fixtures = new Map(options.fixtures.map((d) => [d.maHoSo, d]));
    this.#maxReceived = options.maxReceived ?? 10_000;
  }

  get(maHoSo: string): HoSo | undefined {
    return this.#received.get(maHoSo) ?? this.#fixtures.get(maHoSo);
  }

  /** false when a dossier with this code exists already. */
  receive(hoSo: HoSo): boolean {
    if (this.get(hoSo.maHoSo)) return false;
    this.#received.set(hoSo.maHoSo, hoSo);
    if (this.#received.size > this.#maxReceived) {
      this.#received.delete(this.#received.keys().next().value as string);
    }
    return true;
  }

  /**
   * Moves an open dossier to another status. "not-found" for no such dossier, "final" when it was
   * already settled or cancelled, "before-receipt" when the return date precedes its receipt.
   */
  changeStatus(maHoSo: string, change: StatusChange): HoSo | 'not-found' | 'final' | 'before-receipt' {
    const current = this.get(maHoSo);
    if (!current) return 'not-found';
    if (isFinal(current.trangThai)) return 'final';
    if (change.ngayTraKetQua !== null && change.ngayTraKetQua < current.ngayTiepNhan) return 'before-receipt';
    const next: HoSo = { ...current, trangThai: change.trangThai, ngayTraKetQua: change.ngayTraKetQua };
    if (this.#received.has(maHoSo)) this.#received.set(maHoSo, next);
    else this.#fixtures.set(maHoSo, next);
    return next;
  }

  /** Received dossiers currently kept. */
  receivedCount(): number {
    return this.#received.size;
  }
}
