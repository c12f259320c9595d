// Well-formed identifiers drawn from a seed, for the generator's property and distribution tests
// and for finding fixture identifiers. Not used when serving.
import { CENSUS_WEIGHTED_PROVINCES } from './census.ts';
import { Rng, Weighted } from './hash.ts';
import { cohortSerials, makePerson, REFERENCE_YEAR } from './person.ts';

const FIRST_YEAR = 1920;
/** Birth years weighted by the numbers they hold. */
const YEARS = new Weighted<number>(
  Array.from({ length: REFERENCE_YEAR - FIRST_YEAR + 1 }, (_, i) => [
    FIRST_YEAR + i,
    cohortSerials(FIRST_YEAR + i),
  ]),
);

/**
 * `count` citizen ids in use (serials below `cohortSerials` of their birth year) born 1920 to the
 * reference year, as many per old province as the 2019 census counted and per birth year as it holds.
 */
export function sampleCitizenIds(count: number, seed: string | number = 1): string[] {
  const rng = new Rng('samples', seed);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const province = CENSUS_WEIGHTED_PROVINCES.pick(rng);
    const sex = rng.chance(0.5) ? 'MALE' : 'FEMALE';
    const year = YEARS.pick(rng);
    const person = makePerson(province, sex, year, rng.int(cohortSerials(year)));
    ids.push(person.id);
  }
  return ids;
}
