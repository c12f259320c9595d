import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../lib/internalToken.ts';
import type { KetQua } from '../datasources/types.ts';
import { type IssueResultInput, issueBody, replacementBody } from './issueInput.ts';

const caller = (agency?: string): Caller => ({
  clientId: 'ubnd-ninhkieu.motcua',
  scopes: ['results:issue'],
  requestId: 'r-1',
  procedureCode: '1.001193',
  dossierId: 'H92-0001',
  agency,
});

const INPUT: IssueResultInput = {
  procedureCode: '1.001193',
  procedureName: ' Đăng ký khai sinh ',
  title: 'Trích lục khai sinh',
  agencyCode: '31135',
  agencyName: 'UBND phường Ninh Kiều',
  subject: { kind: 'CITIZEN', id: '092213040243' },
  documentSha256: 'ab'.repeat(32),
};

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions: { code: string; argument?: string } }).extensions;
  }
  return undefined;
};

describe('issueBody', () => {
  it('issues as the token’s agency, in the province its code names', () => {
    expect(issueBody(INPUT, caller('31135'))).toEqual({
      maThuTuc: '1.001193',
      tenThuTuc: 'Đăng ký khai sinh',
      trichYeu: 'Trích lục khai sinh',
      coQuanCap: { ma: '31135', ten: 'UBND phường Ninh Kiều', maTinh: '92' },
      doiTuong: { loai: 'CONG_DAN', ma: '092213040243' },
      maBamTaiLieu: 'ab'.repeat(32),
      coGiaTriDen: null,
    });
  });

  it('attack: another agency’s name, or no agency in the token, is FORBIDDEN', () => {
    expect(codeOf(() => issueBody({ ...INPUT, agencyCode: '00004' }, caller('31135')))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(codeOf(() => issueBody(INPUT, caller()))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('names the argument of a malformed input', () => {
    const cases: [Partial<IssueResultInput>, string][] = [
      [{ agencyCode: 'nonsense' }, 'input.agencyCode'],
      [{ procedureCode: '1.004222' }, 'input.procedureCode'],
      [{ subject: { kind: 'ENTERPRISE', id: '092213040243' } }, 'input.subject.id'],
      [{ documentSha256: 'AB'.repeat(32) }, 'input.documentSha256'],
      [{ validUntil: '31/12/2030' }, 'input.validUntil'],
      [{ agencyName: 'x'.repeat(301) }, 'input.agencyName'],
    ];
    for (const [overrides, argument] of cases)
      expect(codeOf(() => issueBody({ ...INPUT, ...overrides }, caller('31135')))).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument,
      });
  });
});

describe('replacementBody', () => {
  it('keeps the procedure, subject and agency of the result it replaces', () => {
    const original = {
      maThuTuc: '1.001193',
      tenThuTuc: 'Đăng ký khai sinh',
      coQuanCap: { ma: '31135', ten: 'UBND phường Ninh Kiều', maTinh: '92' },
      doiTuong: { loai: 'CONG_DAN', ma: '092213040243' },
    } as KetQua;
    expect(
      replacementBody(original, {
        title: 'Cải chính',
        documentSha256: 'cd'.repeat(32),
        validUntil: '2030-01-01',
      }),
    ).toMatchObject({
      maThuTuc: '1.001193',
      trichYeu: 'Cải chính',
      coQuanCap: original.coQuanCap,
      doiTuong: original.doiTuong,
      coGiaTriDen: '2030-01-01',
    });
  });
});
