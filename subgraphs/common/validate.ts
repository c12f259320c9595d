// Validation at the edge: a malformed identifier is BAD_USER_INPUT naming the argument and the format,
// and never reaches a national database.
import { badUserInput } from '../../lib/errors.ts';
import {
  CITIZEN_ID_FORMAT,
  ENTERPRISE_CODE_FORMAT,
  isCitizenId,
  isEnterpriseCode,
  isResultCode,
  LAND_SERIAL_FORMAT,
  parseLandSerial,
  RESULT_CODE_FORMAT,
} from '../../lib/ids.ts';

function check(valid: (value: string) => boolean, format: string) {
  return (value: unknown, argument: string): string => {
    if (typeof value !== 'string' || !valid(value)) throw badUserInput(argument, format);
    return value;
  };
}

export const requireCitizenId = check((v) => isCitizenId(v), CITIZEN_ID_FORMAT);
export const requireEnterpriseCode = check(isEnterpriseCode, ENTERPRISE_CODE_FORMAT);
/** A serial as printed ("AI 821557") or compact, returned compact: the form every key and record uses. */
export function requireLandSerial(value: unknown, argument: string): string {
  const serial = typeof value === 'string' ? parseLandSerial(value) : undefined;
  if (serial === undefined) throw badUserInput(argument, LAND_SERIAL_FORMAT);
  return serial;
}
export const requireResultCode = check(isResultCode, RESULT_CODE_FORMAT);
