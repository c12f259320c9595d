// business (CSDL quốc gia về đăng ký doanh nghiệp): enterprises, and the enterprises of a citizen.
import { isCitizenId, isEnterpriseCode } from '../../lib/ids.ts';
import type { ChangeLog } from '../changes.ts';
import { doanhNghiep, theoCaNhan } from '../data/business.ts';
import { batchRoute, listRoute, type SourceDefinition } from '../route.ts';

const enterprise = (code: string) => (isEnterpriseCode(code) ? doanhNghiep(code) : null);

export function businessSource(changes: ChangeLog): SourceDefinition {
  return {
    entities: { 'doanh-nghiep': (ma) => enterprise(ma) !== null },
    routes: [
      batchRoute({
        path: '/api/v1/doanh-nghiep/tra-cuu',
        field: 'maSoDoanhNghiep',
        loai: 'doanh-nghiep',
        changes,
        lookup: enterprise,
      }),
      listRoute({
        path: '/api/v1/doanh-nghiep/theo-ca-nhan',
        field: 'soDinhDanh',
        list: (id) => (isCitizenId(id) ? theoCaNhan(id) : []),
      }),
    ],
  };
}
