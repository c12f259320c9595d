// Which cached records a change or an eviction request concerns, per source. The kinds here are the
// ones the sources' loaders cache (datasources/*Loaders.ts); cacheTargets.test.ts checks that they
// stay in step. A change event names one upstream record (`loai`, `ma`); an operator's eviction names a
// subject (citizen id, enterprise code, land serial, result code), whose records may sit under
// several kinds of one source (the record itself and the lists keyed by it).
import type { RecordKind } from '../../lib/cache/types.ts';
import { isCitizenId, isEnterpriseCode, isLandSerial, isResultCode } from '../../lib/ids.ts';
import type { Source } from '../../lib/topology.ts';

export interface EvictionTarget {
  readonly kind: RecordKind;
  readonly ids: readonly string[];
}

const kind = (source: Source, entity: string): RecordKind => ({ source, entity });

/** Upstream change event (`loai`) → the kinds keyed by its `ma`, per source (mocks/API.md). */
const CHANGE_KINDS: Readonly<Record<Source, Readonly<Record<string, readonly RecordKind[]>>>> = {
  population: {
    'cong-dan': [kind('population', 'cong-dan')],
    'ho-gia-dinh': [kind('population', 'ho-gia-dinh')],
  },
  business: { 'doanh-nghiep': [kind('business', 'doanh-nghiep')] },
  insurance: { 'bao-hiem': [kind('insurance', 'bhxh-theo-ca-nhan')] },
  land: { 'giay-chung-nhan': [kind('land', 'giay-chung-nhan')] },
  results: { 'ket-qua': [kind('results', 'ket-qua')] },
};

/** The records a change event makes stale; none for an entity this source does not cache. */
export function changeTargets(source: Source, loai: string, ma: string): EvictionTarget[] {
  const kinds = Object.hasOwn(CHANGE_KINDS[source], loai) ? CHANGE_KINDS[source][loai] : undefined;
  return (kinds ?? []).map((k) => ({ kind: k, ids: [ma] }));
}

/** Every kind a source caches, for the test that keeps this table and the loaders in step. */
export const CACHED_KINDS: Readonly<Record<Source, readonly string[]>> = {
  population: ['cong-dan', 'ho-gia-dinh'],
  business: ['doanh-nghiep', 'doanh-nghiep-theo-ca-nhan'],
  insurance: ['bhxh-theo-ca-nhan'],
  land: ['giay-chung-nhan', 'gcn-theo-ca-nhan', 'gcn-theo-to-chuc'],
  results: ['ket-qua', 'ket-qua-theo-doi-tuong'],
};

/** Is this string a subject an operator may evict (one of the identifier formats of lib/ids.ts)? */
export function isEvictableSubject(subject: string): boolean {
  return isCitizenId(subject) || isEnterpriseCode(subject) || isLandSerial(subject) || isResultCode(subject);
}

/**
 * Everything this source caches about a subject: the subject's own record and the lists keyed by it
 * (a citizen's enterprises, certificates, results…). A household shares the citizen id format, so a
 * 12-digit subject also evicts the household with that code.
 */
export function subjectTargets(source: Source, subject: string): EvictionTarget[] {
  const citizen = isCitizenId(subject);
  const enterprise = isEnterpriseCode(subject);
  const wanted: [string, string][] = [];
  const add = (entity: string, id: string = subject) => wanted.push([entity, id]);
  switch (source) {
    case 'population':
      if (citizen) add('cong-dan');
      if (/^\d{12}$/.test(subject)) add('ho-gia-dinh');
      break;
    case 'business':
      if (enterprise) add('doanh-nghiep');
      if (citizen) add('doanh-nghiep-theo-ca-nhan');
      break;
    case 'insurance':
      if (citizen) add('bhxh-theo-ca-nhan');
      break;
    case 'land':
      if (isLandSerial(subject)) add('giay-chung-nhan');
      if (citizen) add('gcn-theo-ca-nhan');
      if (enterprise) add('gcn-theo-to-chuc');
      break;
    case 'results':
      if (isResultCode(subject)) add('ket-qua');
      if (citizen) add('ket-qua-theo-doi-tuong', `CONG_DAN:${subject}`);
      if (enterprise) add('ket-qua-theo-doi-tuong', `DOANH_NGHIEP:${subject}`);
      break;
  }
  return wanted.map(([entity, id]) => ({ kind: kind(source, entity), ids: [id] }));
}
