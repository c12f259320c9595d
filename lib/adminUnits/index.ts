// Vietnam's administrative units: today's 34 provinces and 3,321 communes (since 1 July 2025) and the
// 63 provinces before, with the table of what each old province became part of. See README.md here
// for the source and its licence.
import communes from './communes.json' with { type: 'json' };
import provinces from './provinces.json' with { type: 'json' };
import oldProvinces from './provinces-before-2025-07.json' with { type: 'json' };

export interface Province {
  /** 2-digit code (Decision 19/2025/QĐ-TTg). */
  readonly code: string;
  readonly name: string;
  readonly type: string;
  readonly nameWithType: string;
}

export interface Commune extends Province {
  readonly provinceCode: string;
}

export interface OldProvince extends Province {
  /** Codes of today's province(s) this one merged into. */
  readonly becamePartOf: readonly string[];
}

export const PROVINCES: readonly Province[] = provinces;
export const COMMUNES: readonly Commune[] = communes;
export const OLD_PROVINCES: readonly OldProvince[] = oldProvinces;

const provinceByCode = new Map(PROVINCES.map((p) => [p.code, p]));
const oldProvinceByCode = new Map(OLD_PROVINCES.map((p) => [p.code, p]));
const communesByProvince = new Map<string, Commune[]>();
for (const commune of COMMUNES) {
  const list = communesByProvince.get(commune.provinceCode) ?? [];
  list.push(commune);
  communesByProvince.set(commune.provinceCode, list);
}

export function provinceByCodeOrUndefined(code: string): Province | undefined {
  return provinceByCode.get(code);
}

export function oldProvince(code: string): OldProvince | undefined {
  return oldProvinceByCode.get(code);
}

export function communesOf(provinceCode: string): readonly Commune[] {
  return communesByProvince.get(provinceCode) ?? [];
}
