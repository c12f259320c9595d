// Well-formed identifiers drawn from a seed, for the generator's property and distribution tests
// and for finding fixture identifiers. Not used when serving.
import { CENSUS_WEIGHTED_PROVINCES } from './census.ts';
import { Rng } from './hash.ts';
import { COHORT_SERIALS, makePerson, REFERENCE_YEAR } from './person.ts';

/** `count` citizen ids in use (serials below COHORT_SERIALS) born 1920 to the reference year, as many per old province as the 2019 census counted. */
export function sampleCitizenIds(count: number, seed: string | number = 1): string[] {
  const rng = new Rng('samples', seed);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const person = makePerson(
      CENSUS_WEIGHTED_PROVINCES.pick(rng),
      rng.chance(0.5) ? 'MALE' : 'FEMALE',
      rng.between(1920, REFERENCE_YEAR),
      rng.int(COHORT_SERIALS),
    );
    ids.push(person.id);
  }
  return ids;
}
