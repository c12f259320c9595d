// Fuzzing the identifier parsers: on any string they answer (never throw), and what they accept is
// exactly what their format says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OLD_PROVINCES } from './adminUnits/index.ts';
import {
  formatCitizenId,
  isCitizenId,
  isDossierId,
  isEnterpriseCode,
  isInsuranceCode,
  isLandSerial,
  isProcedureCode,
  isResultCode,
  parseCitizenId,
  TAX_PROVINCE_PREFIXES,
  taxCheckDigit,
} from './ids.ts';

const NOW = new Date('2026-01-01T00:00:00Z');
const RUNS = { numRuns: 2_000 };
const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
/** Any string, biased towards the shapes the parsers look at. */
const anyInput = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  digits(12),
  digits(10),
  fc.tuple(digits(10), digits(3)).map(([a, b]) => `${a}-${b}`),
  fc.constantFrom('', ' ', '\u0000', '0'.repeat(10_000), '０９２０８２０３１５２１', '092080033642\n'),
);

const VALIDATORS = {
  isCitizenId: (s: string) => isCitizenId(s, NOW),
  isEnterpriseCode,
  isInsuranceCode,
  isLandSerial,
  isResultCode,
  isProcedureCode,
  isDossierId,
};

describe('identifier parsers on hostile input', () => {
  it('never throw and always answer a boolean', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        for (const validate of Object.values(VALIDATORS)) expect(typeof validate(input)).toBe('boolean');
        const parts = parseCitizenId(input, NOW);
        expect(parts === undefined || typeof parts === 'object').toBe(true);
      }),
      RUNS,
    );
  });

  it('accept only ASCII: no full-width digits, newlines or padding slip through', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        for (const validate of Object.values(VALIDATORS)) {
          if (validate(input)) expect(input).toMatch(/^[\x21-\x7e]+$/);
        }
      }),
      RUNS,
    );
  });
});

describe('citizen ids', () => {
  const parts = fc.record({
    provinceCode: fc.constantFrom(...OLD_PROVINCES.map((p) => p.code)),
    sex: fc.constantFrom('MALE' as const, 'FEMALE' as const),
    birthYear: fc.integer({ min: 1900, max: NOW.getUTCFullYear() }),
    serial: digits(6),
  });

  it('round-trip: every id built from valid parts parses back to those parts', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const id = formatCitizenId(p);
        expect(id).toMatch(/^\d{12}$/);
        expect(parseCitizenId(id, NOW)).toEqual(p);
      }),
      RUNS,
    );
  });

  it('agree with their format: accepted ids have a known province and a birth year not in the future', () => {
    fc.assert(
      fc.property(digits(12), (id) => {
        const parsed = parseCitizenId(id, NOW);
        const province = id.slice(1, 3);
        const g = Number(id[3]);
        const year = 1900 + Math.floor(g / 2) * 100 + Number(id.slice(4, 6));
        const expected =
          id[0] === '0' && OLD_PROVINCES.some((p) => p.code === province) && year <= NOW.getUTCFullYear();
        expect(parsed !== undefined).toBe(expected);
        if (parsed) expect(formatCitizenId(parsed)).toBe(id);
      }),
      RUNS,
    );
  });
});

describe('enterprise codes', () => {
  it('accept exactly the ten digits that start with a tax province number and end with the check digit, with an optional non-zero branch', () => {
    fc.assert(
      fc.property(digits(9), fc.integer({ min: 0, max: 9 }), fc.option(digits(3)), (nine, last, branch) => {
        const code = `${nine}${last}${branch === null ? '' : `-${branch}`}`;
        const check = taxCheckDigit(nine);
        const province = Object.hasOwn(TAX_PROVINCE_PREFIXES, nine.slice(0, 2));
        expect(isEnterpriseCode(code)).toBe(province && check === last && branch !== '000');
      }),
      RUNS,
    );
  });

  it('reject any single-digit change of a valid code (the check digit catches it)', () => {
    fc.assert(
      fc.property(
        digits(9),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 9 }),
        (nine, at, delta) => {
          const check = taxCheckDigit(nine);
          fc.pre(check !== undefined);
          const changed = nine.slice(0, at) + String((Number(nine[at]) + delta) % 10) + nine.slice(at + 1);
          expect(isEnterpriseCode(`${changed}${check}`)).toBe(false);
          // Weights are distinct and coprime with 11, so one changed digit always moves the check.
          expect(taxCheckDigit(changed)).not.toBe(check);
        },
      ),
      RUNS,
    );
  });
});
