// land (CSDL quốc gia về đất đai): certificates, and the certificates of a holder.
import { isCitizenId, isEnterpriseCode, isLandSerial } from '../../lib/ids.ts';
import type { ChangeLog } from '../changes.ts';
import { giayChungNhan } from '../data/land.ts';
import { serialsOfCitizen, serialsOfEnterprise } from '../data/landHolders.ts';
import { decodePerson } from '../data/person.ts';
import { batchKeys, batchRoute, type Route, type SourceDefinition } from '../route.ts';

const certificate = (serial: string) => (isLandSerial(serial) ? giayChungNhan(serial) : null);

function citizenSerials(id: string): string[] {
  const person = isCitizenId(id) ? decodePerson(id) : undefined;
  return person ? serialsOfCitizen(person) : [];
}

const enterpriseSerials = (code: string): string[] =>
  isEnterpriseCode(code) && !code.includes('-') ? serialsOfEnterprise(code) : [];

/** One endpoint, two kinds of holder: by citizen ({soDinhDanh}) or by enterprise ({maSoDoanhNghiep}). */
const byHolder: Route = {
  method: 'POST',
  path: '/api/v1/giay-chung-nhan/theo-chu-su-dung',
  handle: ({ body }) => {
    const byEnterprise = typeof body === 'object' && body !== null && 'maSoDoanhNghiep' in body;
    const parsed = batchKeys(body, byEnterprise ? 'maSoDoanhNghiep' : 'soDinhDanh');
    if ('error' in parsed) return parsed.error;
    const list = byEnterprise ? enterpriseSerials : citizenSerials;
    const ketQua = parsed.keys.map((key) => (key === undefined ? [] : list(key)));
    return { status: 200, body: { ketQua }, keys: parsed.keys.length };
  },
};

export function landSource(changes: ChangeLog): SourceDefinition {
  return {
    entities: { 'giay-chung-nhan': (ma) => certificate(ma) !== null },
    routes: [
      batchRoute({
        path: '/api/v1/giay-chung-nhan/tra-cuu',
        field: 'soPhatHanh',
        loai: 'giay-chung-nhan',
        changes,
        lookup: certificate,
      }),
      byHolder,
    ],
  };
}
