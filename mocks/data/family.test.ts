import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anchorIdOfHouseholdCode,
  childrenOf,
  householdAnchor,
  householdCode,
  householdOf,
  parentsOf,
  spouseOf,
} from './family.ts';
import { COHORT_SERIALS, deathYear, decodePerson, exists, makePerson, REFERENCE_YEAR } from './person.ts';
import { OLD_PROVINCE_CODES } from './places.ts';
import { sampleCitizenIds } from './samples.ts';

const people = sampleCitizenIds(6000, 'family').map((id) => decodePerson(id)!);

const personArbitrary = fc
  .record({
    province: fc.constantFrom(...OLD_PROVINCE_CODES),
    male: fc.boolean(),
    year: fc.integer({ min: 1900, max: REFERENCE_YEAR }),
    serial: fc.integer({ min: 0, max: COHORT_SERIALS - 1 }),
  })
  .map((p) => makePerson(p.province, p.male ? 'MALE' : 'FEMALE', p.year, p.serial));

describe('spouses', () => {
  it('is an involution between a man and a woman who both exist', () => {
    fc.assert(
      fc.property(personArbitrary, (person) => {
        const spouse = spouseOf(person);
        if (!spouse) return;
        expect(spouse.sex).not.toBe(person.sex);
        expect(exists(spouse) && exists(person)).toBe(true);
        expect(spouseOf(spouse)?.id).toBe(person.id);
      }),
      { numRuns: 4000 },
    );
  });

  it('marries a real share of adults', () => {
    const adults = people.filter((p) => p.birthYear <= 1990 && p.birthYear >= 1940);
    const married = adults.filter((p) => spouseOf(p)).length / adults.length;
    expect(married).toBeGreaterThan(0.5);
    expect(married).toBeLessThan(0.9);
  });
});

describe('parents and children', () => {
  it('every child is listed by its father, whose wife is its mother', () => {
    let withParents = 0;
    for (const person of people) {
      const parents = parentsOf(person);
      if (!parents) continue;
      withParents++;
      expect(childrenOf(parents.father).map((c) => c.id)).toContain(person.id);
      expect(spouseOf(parents.father)?.id).toBe(parents.mother.id);
      expect(parents.father.province).toBe(person.province);
      expect(person.birthYear - parents.father.birthYear).toBeGreaterThanOrEqual(24);
      // Mothers are 18 to 45 at a birth.
      expect(person.birthYear - parents.mother.birthYear).toBeGreaterThanOrEqual(18);
      expect(person.birthYear - parents.mother.birthYear).toBeLessThanOrEqual(45);
      for (const parent of [parents.father, parents.mother]) {
        const died = deathYear(parent);
        if (died !== undefined) expect(died).toBeGreaterThanOrEqual(person.birthYear);
      }
    }
    expect(withParents).toBeGreaterThan(1000);
  });

  it('gives the earlier generations large families and the later about two children', () => {
    // Fertility fell from about six children per woman in the 1960s to about two since the 2000s (GSO):
    // where the parents' generation is the smaller, its couples have the more children.
    const meanChildren = (from: number, to: number) => {
      const husbands = people.filter(
        (p) => p.sex === 'MALE' && p.birthYear >= from && p.birthYear < to && spouseOf(p),
      );
      expect(husbands.length).toBeGreaterThan(100);
      const counts = husbands.map((h) => childrenOf(h).length);
      return {
        mean: counts.reduce((a, b) => a + b, 0) / counts.length,
        three: counts.filter((c) => c >= 3).length / counts.length,
        none: counts.filter((c) => c === 0).length / counts.length,
      };
    };
    const elders = meanChildren(1930, 1950);
    expect(elders.mean).toBeGreaterThan(3.5);
    expect(elders.mean).toBeLessThanOrEqual(7);
    const later = meanChildren(1975, 1990);
    expect(later.mean).toBeGreaterThan(1.6);
    expect(later.mean).toBeLessThan(2.3);
    expect(later.three).toBeGreaterThan(0.05); // some have a third child
    expect(later.three).toBeLessThan(0.3);
    expect(later.none).toBeLessThan(0.15);
  });

  it('every child a father lists names him as father', () => {
    let children = 0;
    for (const person of people) {
      for (const child of childrenOf(person)) {
        children++;
        expect(parentsOf(child)?.father.id).toBe(person.id);
        expect(child.birthYear).toBeLessThanOrEqual(REFERENCE_YEAR);
      }
    }
    expect(children).toBeGreaterThan(500);
  });

  it('holds on arbitrary ids too', () => {
    fc.assert(
      fc.property(personArbitrary, (person) => {
        const parents = parentsOf(person);
        if (parents) expect(childrenOf(parents.father).map((c) => c.id)).toContain(person.id);
        for (const child of childrenOf(person)) expect(parentsOf(child)?.father.id).toBe(person.id);
      }),
      { numRuns: 4000 },
    );
  });
});

describe('households', () => {
  it('every living member belongs to the household their anchor heads, and only there', () => {
    let households = 0;
    for (const person of people) {
      const anchor = householdAnchor(person);
      if (!anchor) continue;
      const household = householdOf(anchor);
      expect(household, person.id).toBeDefined();
      expect(household!.members.map((m) => m.person.id)).toContain(person.id);
      for (const member of household!.members) expect(householdAnchor(member.person)?.id).toBe(anchor.id);
      expect(household!.members[0]!.person.id).toBe(household!.head.id);
      expect(household!.members[0]!.relation).toBe('CHU_HO');
      households++;
    }
    expect(households).toBeGreaterThan(3000);
  });

  it('household codes decode back to the anchor', () => {
    for (const person of people.slice(0, 2000)) {
      expect(anchorIdOfHouseholdCode(householdCode(person))).toBe(person.id);
    }
  });
});
