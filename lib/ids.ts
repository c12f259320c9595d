// Identifier formats of the national databases. Validation checks structure, not only length:
// a malformed identifier is rejected at the edge and never reaches an upstream database.
import { OLD_PROVINCES } from './adminUnits/index.ts';

/**
 * Personal identification number (số định danh cá nhân), 12 digits:
 * PPP (province where the birth was registered, in the 63-province codes of that time, with a
 * leading 0), G (sex and century: even = male, odd = female; 0/1 = 1900s, 2/3 = 2000s, 4/5 = 2100s…),
 * YY (birth year within the century), NNNNNN (serial).
 */
export interface CitizenIdParts {
  readonly provinceCode: string;
  readonly sex: 'MALE' | 'FEMALE';
  readonly birthYear: number;
  readonly serial: string;
}

const OLD_PROVINCE_CODES = new Set(OLD_PROVINCES.map((p) => p.code));
const CITIZEN_ID = /^\d{12}$/;

export const CITIZEN_ID_FORMAT =
  'a 12-digit personal identification number (3-digit province code, sex/century digit, 2-digit birth year, 6-digit serial)';

export function parseCitizenId(id: string, now: Date = new Date()): CitizenIdParts | undefined {
  if (!CITIZEN_ID.test(id)) return undefined;
  const province = id.slice(1, 3);
  if (id[0] !== '0' || !OLD_PROVINCE_CODES.has(province)) return undefined;
  const g = Number(id[3]);
  const birthYear = 1900 + Math.floor(g / 2) * 100 + Number(id.slice(4, 6));
  if (birthYear > now.getUTCFullYear()) return undefined;
  return { provinceCode: province, sex: g % 2 === 0 ? 'MALE' : 'FEMALE', birthYear, serial: id.slice(6) };
}

export function isCitizenId(id: string, now?: Date): boolean {
  return parseCitizenId(id, now) !== undefined;
}

/** Builds a citizen id from its parts (used by the mocks' synthetic data). */
export function formatCitizenId(parts: CitizenIdParts): string {
  const centuryIndex = Math.floor((parts.birthYear - 1900) / 100);
  const g = centuryIndex * 2 + (parts.sex === 'MALE' ? 0 : 1);
  const yy = String(parts.birthYear % 100).padStart(2, '0');
  return `0${parts.provinceCode}${g}${yy}${parts.serial.padStart(6, '0')}`;
}

/**
 * Enterprise code (mã số doanh nghiệp) = tax code: 10 digits whose first two are the number of the
 * province whose tax authority issued it (N1N2, "số phân khoảng tỉnh": 01 Hà Nội, 02 Hải Phòng, 03 Hồ
 * Chí Minh City … 64, not the administrative province code) and whose last is a check digit over the
 * first nine (weights 31 29 23 19 17 13 7 5 3; check = 10 − sum mod 11, and a remainder of 0 is never
 * issued), with a "-NNN" suffix (001–999) for a branch or dependent unit.
 */
export const ENTERPRISE_CODE_FORMAT =
  'a 10-digit enterprise code starting with a tax province number 01–64 and ending with a valid check digit, optionally followed by "-" and a 3-digit branch number';

/**
 * Tax province numbers (N1N2 of a tax code) → the 63-province administrative code of that province.
 * 05 is Hà Tây, merged into Hà Nội in 2008: its enterprises keep their codes, but no province of the
 * 63 issues new ones under it. Codes issued since the 2025 merger keep the numbering.
 */
export const TAX_PROVINCE_PREFIXES: Readonly<Record<string, string | null>> = Object.freeze({
  '01': '01', // Hà Nội
  '02': '31', // Hải Phòng
  '03': '79', // Hồ Chí Minh
  '04': '48', // Đà Nẵng
  '05': null, // Hà Tây (until 2008)
  '06': '36', // Nam Định
  '07': '35', // Hà Nam
  '08': '30', // Hải Dương
  '09': '33', // Hưng Yên
  '10': '34', // Thái Bình
  '11': '80', // Long An
  '12': '82', // Tiền Giang
  '13': '83', // Bến Tre
  '14': '87', // Đồng Tháp
  '15': '86', // Vĩnh Long
  '16': '89', // An Giang
  '17': '91', // Kiên Giang
  '18': '92', // Cần Thơ
  '19': '95', // Bạc Liêu
  '20': '96', // Cà Mau
  '21': '84', // Trà Vinh
  '22': '94', // Sóc Trăng
  '23': '27', // Bắc Ninh
  '24': '24', // Bắc Giang
  '25': '26', // Vĩnh Phúc
  '26': '25', // Phú Thọ
  '27': '37', // Ninh Bình
  '28': '38', // Thanh Hóa
  '29': '40', // Nghệ An
  '30': '42', // Hà Tĩnh
  '31': '44', // Quảng Bình
  '32': '45', // Quảng Trị
  '33': '46', // Thừa Thiên Huế
  '34': '60', // Bình Thuận
  '35': '77', // Bà Rịa - Vũng Tàu
  '36': '75', // Đồng Nai
  '37': '74', // Bình Dương
  '38': '70', // Bình Phước
  '39': '72', // Tây Ninh
  '40': '49', // Quảng Nam
  '41': '52', // Bình Định
  '42': '56', // Khánh Hòa
  '43': '51', // Quảng Ngãi
  '44': '54', // Phú Yên
  '45': '58', // Ninh Thuận
  '46': '19', // Thái Nguyên
  '47': '06', // Bắc Kạn
  '48': '04', // Cao Bằng
  '49': '20', // Lạng Sơn
  '50': '08', // Tuyên Quang
  '51': '02', // Hà Giang
  '52': '15', // Yên Bái
  '53': '10', // Lào Cai
  '54': '17', // Hòa Bình
  '55': '14', // Sơn La
  '56': '12', // Lai Châu
  '57': '22', // Quảng Ninh
  '58': '68', // Lâm Đồng
  '59': '64', // Gia Lai
  '60': '66', // Đắk Lắk
  '61': '62', // Kon Tum
  '62': '11', // Điện Biên
  '63': '93', // Hậu Giang
  '64': '67', // Đắk Nông
});

const ENTERPRISE_CODE = /^(\d{10})(?:-(\d{3}))?$/;
const TAX_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3] as const;

export function taxCheckDigit(firstNine: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * TAX_WEIGHTS[i]!;
  const check = 10 - (sum % 11);
  return check === 10 ? undefined : check;
}

export function isEnterpriseCode(code: string): boolean {
  const match = ENTERPRISE_CODE.exec(code);
  if (!match) return false;
  const base = match[1]!;
  if (match[2] === '000' || !Object.hasOwn(TAX_PROVINCE_PREFIXES, base.slice(0, 2))) return false;
  return taxCheckDigit(base.slice(0, 9)) === Number(base[9]);
}

/** Social insurance code (mã số BHXH): 10 digits. */
export const INSURANCE_CODE_FORMAT = 'a 10-digit social insurance code';
export const isInsuranceCode = (code: string): boolean => /^\d{10}$/.test(code);

/**
 * Land certificate serial (số phát hành giấy chứng nhận): two capital letters and six digits, e.g.
 * "CS123456" — the form lienthong keys and returns. The certificate prints it with a space ("AI
 * 821557"), which officers copy as printed: `parseLandSerial` accepts both and returns the compact form.
 */
export const LAND_SERIAL_FORMAT =
  'a land certificate serial: two capital letters followed by 6 digits, with or without a space as printed (e.g. CS123456 or AI 821557)';
export const isLandSerial = (serial: string): boolean => /^[A-Z]{2}\d{6}$/.test(serial);

/** The compact serial ("AI821557") of a serial written compact or as printed ("AI 821557"). */
export function parseLandSerial(serial: string): string | undefined {
  const match = /^([A-Z]{2}) ?(\d{6})$/.exec(serial);
  return match ? `${match[1]}${match[2]}` : undefined;
}

/**
 * Issued result code: KIND-PP-YYYY-NNNNNN — a 2–4 letter kind (KS birth registration, TT residence,
 * DN business registration, DD land, BH insurance…), today's 2-digit province code of the issuing
 * agency, the year of issue, and a 6-digit serial.
 */
export const RESULT_CODE_FORMAT = 'an issued result code KIND-PP-YYYY-NNNNNN (e.g. KS-92-2025-004213)';
export const isResultCode = (code: string): boolean => /^[A-Z]{2,4}-\d{2}-\d{4}-\d{6}$/.test(code);

/** Procedure code of the national catalogue of administrative procedures, e.g. "1.004222". */
export const PROCEDURE_CODE_FORMAT = 'a procedure code of the national catalogue (e.g. 1.004222)';
export const isProcedureCode = (code: string): boolean => /^\d\.\d{6}$/.test(code);

/** Dossier id (mã hồ sơ), e.g. "H26.01-251121-0042": 4–64 letters, digits, and . - _ / */
export const DOSSIER_ID_FORMAT = '4 to 64 letters, digits or the characters . - _ /';
export const isDossierId = (id: string): boolean => /^[A-Za-z0-9][A-Za-z0-9._\-/]{3,63}$/.test(id);
