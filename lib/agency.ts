// Agency codes (mã cơ quan): who issues a procedure's result. Two forms are in use, and both name
// their province, so a token's agency claim fixes where the results it issues come from:
// - a commune, ward or special zone's 5-digit code: its People's Committee or police (e.g. 31135,
//   Phường Ninh Kiều, Cần Thơ), which settle commune-level procedures such as birth registration;
// - a province's 2-digit code, a hyphen and a unit (e.g. 92-DKKD, the business registration office of
//   Cần Thơ; 01-STP, Hà Nội's Department of Justice).
import { COMMUNES, provinceByCodeOrUndefined } from './adminUnits/index.ts';

export const AGENCY_CODE_FORMAT =
  "an agency code: a commune's 5-digit code (e.g. 31135) or a province code, a hyphen and a unit (e.g. 92-DKKD)";

const SHAPE = /^(?:\d{5}|\d{2}-[A-Z][A-Z0-9]{0,15}(?:-[A-Z0-9]{1,16})?)$/;
const provinceOfCommune = new Map(COMMUNES.map((c) => [c.code, c.provinceCode]));

/** Today's 2-digit province code of the agency, or undefined when the code is not an agency code. */
export function agencyProvince(code: string): string | undefined {
  if (!SHAPE.test(code)) return undefined;
  if (code.length === 5 && !code.includes('-')) return provinceOfCommune.get(code);
  const province = code.slice(0, 2);
  return provinceByCodeOrUndefined(province) ? province : undefined;
}

export const isAgencyCode = (code: string): boolean => agencyProvince(code) !== undefined;
