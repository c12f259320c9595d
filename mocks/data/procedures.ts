// The procedures under which the synthetic results are issued, read from the gateway's procedure
// registry (schema/procedures.json): one source of codes and names, so that no result names a code
// the registry gives to another procedure, or a name the registry does not use.
import registry from '../../schema/procedures.json' with { type: 'json' };
import type { LoaiHinh } from './business.ts';

export interface ThuTuc {
  readonly maThuTuc: string;
  readonly tenThuTuc: string;
}

const nameByCode = new Map(registry.map((p) => [p.code, p.name]));

function fromRegistry(code: string): ThuTuc {
  const name = nameByCode.get(code);
  // A registry without a procedure the mocks issue under is a broken checkout: stop at start.
  if (name === undefined) {
    throw new Error(
      `schema/procedures.json: expected procedure ${code}, under which the mocks issue results`,
    );
  }
  return Object.freeze({ maThuTuc: code, tenThuTuc: name });
}

/** The procedure of each kind of synthetic result (results.ts), business registration apart. */
export const RESULT_PROCEDURES = Object.freeze({
  /** Birth registration: the birth extract. */
  KS: fromRegistry('1.001193'),
  /** Residence information confirmation (mẫu CT07). */
  TT: fromRegistry('1.010041'),
  /** First land registration and certificate. */
  DD: fromRegistry('1.012798'),
});

/**
 * Founding registration of each legal form the registry lists. Forms without an entry (two-member
 * limited and joint-stock companies) get no synthetic DN result rather than another form's code.
 */
export const FOUNDING_PROCEDURES: Readonly<Partial<Record<LoaiHinh, ThuTuc>>> = Object.freeze({
  DOANH_NGHIEP_TU_NHAN: fromRegistry('2.001610'),
  CONG_TY_TNHH_MTV: fromRegistry('1.005377'),
});
