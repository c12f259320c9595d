// The results registry's state: synthetic results (data/results.ts) plus, in memory, the results
// issued through the write API and the revocations and supersessions of any result. Every result
// is served with `chuKy`, a compact JWS (EdDSA) by the registry's key over its fields (plus `iat`).
import { CompactSign, type JSONWebKeySet, type JWK } from 'jose';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { isCitizenId, isEnterpriseCode, isProcedureCode } from '../lib/ids.ts';
import { type SigningKey, toJwks } from '../lib/keys.ts';
import type { ChangeLog, Version } from './changes.ts';
import { doanhNghiep } from './data/business.ts';
import { isProvinceCode } from './data/places.ts';
import { congDan } from './data/population.ts';
import { type KetQuaBase, resultsOfCitizen, resultsOfEnterprise, syntheticResult } from './data/results.ts';

export interface KetQua extends KetQuaBase, Version {
  chuKy: string;
}

export const LOAI_KET_QUA = 'ket-qua';

const text = (max: number) => z.string().trim().min(1).max(max);

export const issueSchema = z.object({
  maThuTuc: z.string().refine(isProcedureCode, 'a procedure code such as 1.004222'),
  tenThuTuc: text(300),
  trichYeu: text(500),
  coQuanCap: z.object({
    ma: text(50),
    ten: text(300),
    maTinh: z.string().refine(isProvinceCode, 'a province code'),
  }),
  doiTuong: z.object({ loai: z.enum(['CONG_DAN', 'DOANH_NGHIEP']), ma: z.string().max(20) }),
  maBamTaiLieu: z.string().regex(/^[0-9a-f]{64}$/, 'hex SHA-256'),
  coGiaTriDen: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullish(),
});
export type IssueInput = z.infer<typeof issueSchema>;

/** A refusal of the write API, answered as { maLoi, moTa } with `status`. */
export class RegistryError extends Error {
  readonly status: number;
  readonly maLoi: string;
  constructor(status: number, maLoi: string, moTa: string) {
    super(moTa);
    this.status = status;
    this.maLoi = maLoi;
  }
}

interface Override {
  readonly trangThai: 'DA_THU_HOI' | 'DA_THAY_THE';
  readonly maKetQuaThayThe: string | null;
}

export function subjectExists(loai: 'CONG_DAN' | 'DOANH_NGHIEP', ma: string): boolean {
  if (loai === 'CONG_DAN') return isCitizenId(ma) && congDan(ma) !== null;
  return isEnterpriseCode(ma) && doanhNghiep(ma) !== null;
}

export class ResultsRegistry {
  #key: SigningKey;
  /** Public keys of earlier signing keys: results signed before a rotation still verify. */
  readonly #retired: JWK[] = [];
  readonly #changes: ChangeLog;
  readonly #clock: () => Date;
  readonly #issued = new Map<string, KetQuaBase>();
  readonly #bySubject = new Map<string, string[]>();
  readonly #overrides = new Map<string, Override>();
  readonly #counters = new Map<string, number>();
  // Signing is the costly part of a lookup; the same fields always give the same signature.
  readonly #signatures = new LRUCache<string, string>({ max: 20_000 });

  constructor(options: { key: SigningKey; changes: ChangeLog; clock?: () => Date }) {
    this.#key = options.key;
    this.#changes = options.changes;
    this.#clock = options.clock ?? (() => new Date());
  }

  jwks(): JSONWebKeySet {
    return toJwks([this.#key.publicJwk, ...this.#retired]);
  }

  /** Signs with `key` from now on; the previous public key stays in the JWKS. */
  rotate(key: SigningKey): void {
    this.#retired.unshift(this.#key.publicJwk);
    this.#key = key;
    this.#signatures.clear();
  }

  #base(code: string): KetQuaBase | undefined {
    const base = this.#issued.get(code) ?? syntheticResult(code);
    if (!base) return undefined;
    const override = this.#overrides.get(code);
    if (override) return { ...base, ...override };
    const today = this.#clock().toISOString().slice(0, 10);
    if (this.#issued.has(code) && base.coGiaTriDen !== null && base.coGiaTriDen < today)
      return { ...base, trangThai: 'HET_HIEU_LUC' };
    return base;
  }

  exists(code: string): boolean {
    return this.#base(code) !== undefined;
  }

  async lookup(code: string): Promise<KetQua | null> {
    const base = this.#base(code);
    return base ? this.#sign(base) : null;
  }

  listBySubject(loai: string, ma: string): string[] {
    const synthetic =
      loai === 'CONG_DAN' ? resultsOfCitizen(ma) : loai === 'DOANH_NGHIEP' ? resultsOfEnterprise(ma) : [];
    return [...synthetic.map((r) => r.maKetQua), ...(this.#bySubject.get(`${loai}:${ma}`) ?? [])];
  }

  async issue(input: IssueInput): Promise<KetQua> {
    return this.#sign(this.#store(input));
  }

  async revoke(code: string): Promise<KetQua> {
    this.#activeOrThrow(code);
    this.#overrides.set(code, { trangThai: 'DA_THU_HOI', maKetQuaThayThe: null });
    this.#changes.touch(LOAI_KET_QUA, code);
    return this.#sign(this.#base(code)!);
  }

  async supersede(code: string, input: IssueInput): Promise<{ ketQuaCu: KetQua; ketQuaMoi: KetQua }> {
    this.#activeOrThrow(code);
    const replacement = this.#store(input);
    this.#overrides.set(code, { trangThai: 'DA_THAY_THE', maKetQuaThayThe: replacement.maKetQua });
    this.#changes.touch(LOAI_KET_QUA, code);
    return { ketQuaCu: await this.#sign(this.#base(code)!), ketQuaMoi: await this.#sign(replacement) };
  }

  #activeOrThrow(code: string): void {
    const base = this.#base(code);
    if (!base) throw new RegistryError(404, 'KHONG_TIM_THAY', 'No result has this code.');
    if (base.trangThai === 'DA_THU_HOI' || base.trangThai === 'DA_THAY_THE')
      throw new RegistryError(409, 'XUNG_DOT', 'The result was already revoked or superseded.');
  }

  #store(input: IssueInput): KetQuaBase {
    if (!subjectExists(input.doiTuong.loai, input.doiTuong.ma))
      throw new RegistryError(422, 'DOI_TUONG_KHONG_TON_TAI', 'The subject does not exist.');
    const now = this.#clock();
    const year = now.getUTCFullYear();
    const counterKey = `${input.coQuanCap.maTinh}-${year}`;
    const serial = (this.#counters.get(counterKey) ?? 0) + 1;
    if (serial > 999_999)
      throw new RegistryError(503, 'HET_SO', 'No result numbers left for this province and year.');
    this.#counters.set(counterKey, serial);
    // KQ never occurs among the synthetic kinds, so issued codes cannot collide with them.
    const code = `KQ-${counterKey}-${String(serial).padStart(6, '0')}`;
    const record: KetQuaBase = {
      maKetQua: code,
      maThuTuc: input.maThuTuc,
      tenThuTuc: input.tenThuTuc,
      trichYeu: input.trichYeu,
      coQuanCap: { ma: input.coQuanCap.ma, ten: input.coQuanCap.ten, maTinh: input.coQuanCap.maTinh },
      ngayCap: now.toISOString().slice(0, 10),
      coGiaTriDen: input.coGiaTriDen ?? null,
      trangThai: 'CON_HIEU_LUC',
      maKetQuaThayThe: null,
      doiTuong: { loai: input.doiTuong.loai, ma: input.doiTuong.ma },
      maBamTaiLieu: input.maBamTaiLieu,
    };
    this.#issued.set(code, record);
    const subject = `${record.doiTuong.loai}:${record.doiTuong.ma}`;
    this.#bySubject.set(subject, [...(this.#bySubject.get(subject) ?? []), code]);
    this.#changes.created(LOAI_KET_QUA, code);
    return record;
  }

  async #sign(base: KetQuaBase): Promise<KetQua> {
    const fields = signedFields(base);
    const version = this.#changes.version(LOAI_KET_QUA, base.maKetQua);
    // iat is the time of the version signed, so the same version always carries the same signature.
    const iat = Math.floor(Date.parse(version.capNhatLuc) / 1000);
    const payload = JSON.stringify({ ...fields, iat });
    let chuKy = this.#signatures.get(payload);
    if (chuKy === undefined) {
      chuKy = await new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: this.#key.alg, kid: this.#key.kid, typ: 'ket-qua+jws' })
        .sign(this.#key.privateKey);
      this.#signatures.set(payload, chuKy);
    }
    return { ...fields, chuKy, ...version };
  }
}

/** The fields the signature covers, in the contract's order. */
export function signedFields(r: KetQuaBase): KetQuaBase {
  return {
    maKetQua: r.maKetQua,
    maThuTuc: r.maThuTuc,
    tenThuTuc: r.tenThuTuc,
    trichYeu: r.trichYeu,
    coQuanCap: r.coQuanCap,
    ngayCap: r.ngayCap,
    coGiaTriDen: r.coGiaTriDen,
    trangThai: r.trangThai,
    maKetQuaThayThe: r.maKetQuaThayThe,
    doiTuong: r.doiTuong,
    maBamTaiLieu: r.maBamTaiLieu,
  };
}
