// population (CSDL quốc gia về dân cư): citizens and households.
import { isCitizenId } from '../../lib/ids.ts';
import type { ChangeLog } from '../changes.ts';
import { congDan, hoGiaDinh } from '../data/population.ts';
import { batchRoute, type SourceDefinition } from '../route.ts';

const citizen = (id: string) => (isCitizenId(id) ? congDan(id) : null);

export function populationSource(changes: ChangeLog): SourceDefinition {
  return {
    entities: {
      'cong-dan': (ma) => citizen(ma) !== null,
      'ho-gia-dinh': (ma) => hoGiaDinh(ma) !== null,
    },
    routes: [
      batchRoute({
        path: '/api/v1/cong-dan/tra-cuu',
        field: 'soDinhDanh',
        loai: 'cong-dan',
        changes,
        lookup: citizen,
      }),
      batchRoute({
        path: '/api/v1/ho-gia-dinh/tra-cuu',
        field: 'maHo',
        loai: 'ho-gia-dinh',
        changes,
        lookup: hoGiaDinh,
      }),
    ],
  };
}
