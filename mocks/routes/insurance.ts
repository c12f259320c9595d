// insurance (CSDL quốc gia về bảo hiểm): a citizen's social and health insurance.
import { isCitizenId } from '../../lib/ids.ts';
import type { ChangeLog } from '../changes.ts';
import { thamGiaBaoHiem } from '../data/insurance.ts';
import { batchRoute, type SourceDefinition } from '../route.ts';

const participation = (id: string) => (isCitizenId(id) ? thamGiaBaoHiem(id) : null);

export function insuranceSource(changes: ChangeLog): SourceDefinition {
  return {
    // Versioned per citizen: that is the key the insurance endpoint is asked by.
    entities: { 'bao-hiem': (ma) => participation(ma) !== null },
    routes: [
      batchRoute({
        path: '/api/v1/bhxh/theo-ca-nhan',
        field: 'soDinhDanh',
        loai: 'bao-hiem',
        changes,
        lookup: participation,
      }),
    ],
  };
}
