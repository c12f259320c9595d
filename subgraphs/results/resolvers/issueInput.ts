// The mutations' inputs, checked at the edge and turned into the registry's write bodies. Every refusal
// names the argument and what it expects, never the value given.
import { AGENCY_CODE_FORMAT, agencyProvince } from '../../../lib/agency.ts';
import { badUserInput, forbidden } from '../../../lib/errors.ts';
import {
  CITIZEN_ID_FORMAT,
  ENTERPRISE_CODE_FORMAT,
  isCitizenId,
  isEnterpriseCode,
} from '../../../lib/ids.ts';
import type { Caller } from '../../../lib/internalToken.ts';
import type { IssueBody } from '../datasources/registryWriter.ts';
import type { KetQua } from '../datasources/types.ts';

export interface IssueResultInput {
  readonly procedureCode: string;
  readonly procedureName: string;
  readonly title: string;
  readonly agencyCode: string;
  readonly agencyName: string;
  readonly subject: { readonly kind: 'CITIZEN' | 'ENTERPRISE'; readonly id: string };
  readonly documentSha256: string;
  readonly validUntil?: string | null;
}

export interface ResultReplacementInput {
  readonly title: string;
  readonly documentSha256: string;
  readonly validUntil?: string | null;
}

const SHA256 = /^[0-9a-f]{64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The agency the caller acts for; without one in its token, a client issues and revokes nothing. */
export function actingAgency(caller: Caller): { code: string; province: string } {
  const province = caller.agency === undefined ? undefined : agencyProvince(caller.agency);
  if (caller.agency === undefined || province === undefined) {
    throw forbidden(
      'Issuing or revoking a result needs a client token that names its agency (claim "agency").',
      [],
    );
  }
  return { code: caller.agency, province };
}

export function requireText(value: string, argument: string, max: number): string {
  const text = value.trim();
  if (text.length === 0 || text.length > max)
    throw badUserInput(argument, `a text of 1 to ${max} characters`);
  return text;
}

function requireDocumentHash(value: string, argument: string): string {
  if (!SHA256.test(value)) throw badUserInput(argument, 'a hex SHA-256: 64 lowercase hexadecimal digits');
  return value;
}

function requireValidUntil(value: string | null | undefined, argument: string): string | null {
  if (value == null) return null;
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw badUserInput(argument, 'a date YYYY-MM-DD');
  return value;
}

export function issueBody(input: IssueResultInput, caller: Caller): IssueBody {
  const agency = actingAgency(caller);
  if (input.agencyCode !== agency.code) {
    if (agencyProvince(input.agencyCode) === undefined)
      throw badUserInput('input.agencyCode', AGENCY_CODE_FORMAT);
    throw forbidden('A client issues results only as the agency its token names.', []);
  }
  if (input.procedureCode !== caller.procedureCode)
    throw badUserInput('input.procedureCode', "the request's procedure (X-Procedure-Code)");
  const { kind, id } = input.subject;
  if (kind === 'CITIZEN' && !isCitizenId(id)) throw badUserInput('input.subject.id', CITIZEN_ID_FORMAT);
  if (kind === 'ENTERPRISE' && !isEnterpriseCode(id))
    throw badUserInput('input.subject.id', ENTERPRISE_CODE_FORMAT);
  return {
    maThuTuc: input.procedureCode,
    tenThuTuc: requireText(input.procedureName, 'input.procedureName', 300),
    trichYeu: requireText(input.title, 'input.title', 500),
    // The province follows from the agency's code, never from what the client says.
    coQuanCap: {
      ma: agency.code,
      ten: requireText(input.agencyName, 'input.agencyName', 300),
      maTinh: agency.province,
    },
    doiTuong: { loai: kind === 'CITIZEN' ? 'CONG_DAN' : 'DOANH_NGHIEP', ma: id },
    maBamTaiLieu: requireDocumentHash(input.documentSha256, 'input.documentSha256'),
    coGiaTriDen: requireValidUntil(input.validUntil, 'input.validUntil'),
  };
}

/** A replacement keeps the procedure, subject and agency of the result it replaces. */
export function replacementBody(original: KetQua, input: ResultReplacementInput): IssueBody | undefined {
  if (!original.doiTuong || !original.coQuanCap?.maTinh) return undefined;
  return {
    maThuTuc: original.maThuTuc,
    tenThuTuc: original.tenThuTuc ?? original.maThuTuc,
    trichYeu: requireText(input.title, 'replacement.title', 500),
    coQuanCap: { ma: original.coQuanCap.ma, ten: original.coQuanCap.ten, maTinh: original.coQuanCap.maTinh },
    doiTuong: original.doiTuong,
    maBamTaiLieu: requireDocumentHash(input.documentSha256, 'replacement.documentSha256'),
    coGiaTriDen: requireValidUntil(input.validUntil, 'replacement.validUntil'),
  };
}
