// Family links computed from identification numbers alone, in both directions:
// - spouse: the husband (male, year Y, serial S) and the wife (female, Y + 2, S) are each other's only
//   candidate; whether they married is a hash of the husband's number, so both sides agree;
// - children: slot k (0 or 1) of a husband with serial S is the citizen whose (sex, serial) is an
//   affine bijection of 2·S + k within the child's birth year, born `childOffset` years after him;
//   running the bijection backwards gives any citizen's only candidate father;
// - household: anchored on the husband (or a single adult); its code is a bijection of his number.
import { affine, hashChance, hashInt } from './hash.ts';
import { ageAt, exists, isAlive, makePerson, type Person, REFERENCE_YEAR } from './person.ts';

const WIFE_YEAR_GAP = 2;
const MARRIED_SHARE = 0.78;
const MIN_WIFE_AGE = 20;
/** Children stay in their parents' household until married or this age. */
const LEAVES_HOME_AT = 30;
const ADULT_AGE = 18;

export function wifeCandidate(husband: Person): Person {
  return makePerson(husband.province, 'FEMALE', husband.birthYear + WIFE_YEAR_GAP, husband.serial);
}

export function husbandCandidate(wife: Person): Person | undefined {
  const year = wife.birthYear - WIFE_YEAR_GAP;
  return year < 1900 ? undefined : makePerson(wife.province, 'MALE', year, wife.serial);
}

/** Whether this man is married (to his only candidate wife). */
export function isMarriedHusband(husband: Person): boolean {
  if (husband.sex !== 'MALE' || !exists(husband)) return false;
  const wife = wifeCandidate(husband);
  if (ageAt(wife) < MIN_WIFE_AGE || !exists(wife)) return false;
  return hashChance(MARRIED_SHARE, 'married', husband.id);
}

export function spouseOf(person: Person): Person | undefined {
  if (person.sex === 'MALE') return isMarriedHusband(person) ? wifeCandidate(person) : undefined;
  const husband = husbandCandidate(person);
  return husband && isMarriedHusband(husband) ? husband : undefined;
}

const SLOTS = 2;
const CHILD_SPACE = 2_000_000;
// Fixed multiplier: the inverse is computed once; the offset varies with province and year.
const childSlots = affine(CHILD_SPACE, 1_234_567, 0);

const childBase = (province: string, year: number) => hashInt(CHILD_SPACE, 'child-b', province, year);

/** Years between the father's birth and child k's. */
function childOffset(province: string, fatherSerial: number, k: number): number {
  const first = 24 + hashInt(9, 'child-first', province, fatherSerial);
  const gap = 2 + hashInt(5, 'child-gap', province, fatherSerial);
  return first + k * gap;
}

function childCount(husband: Person): number {
  const u = hashInt(100, 'children', husband.id);
  return u < 12 ? 0 : u < 40 ? 1 : 2;
}

export function childrenOf(father: Person): Person[] {
  if (!isMarriedHusband(father)) return [];
  const children: Person[] = [];
  const count = childCount(father);
  for (let k = 0; k < count && k < SLOTS; k++) {
    const year = father.birthYear + childOffset(father.province, father.serial, k);
    if (year > REFERENCE_YEAR) break;
    const u = (childSlots.forward(2 * father.serial + k) + childBase(father.province, year)) % CHILD_SPACE;
    const child = makePerson(father.province, u < 1_000_000 ? 'MALE' : 'FEMALE', year, u % 1_000_000);
    if (exists(child)) children.push(child);
  }
  return children;
}

export interface Parents {
  readonly father: Person;
  readonly mother: Person;
}

export function parentsOf(child: Person): Parents | undefined {
  if (child.birthYear - 24 < 1900 || child.birthYear > REFERENCE_YEAR) return undefined;
  const u = (child.sex === 'MALE' ? 0 : 1_000_000) + child.serial;
  const x = childSlots.inverse((u - childBase(child.province, child.birthYear) + CHILD_SPACE) % CHILD_SPACE);
  const fatherSerial = x >> 1;
  const k = x & 1;
  const fatherYear = child.birthYear - childOffset(child.province, fatherSerial, k);
  if (fatherYear < 1900) return undefined;
  const father = makePerson(child.province, 'MALE', fatherYear, fatherSerial);
  if (!isMarriedHusband(father) || k >= childCount(father) || !exists(child)) return undefined;
  return { father, mother: wifeCandidate(father) };
}

/** Follows fathers up to the oldest known ancestor (family name, hometown and ethnicity come from there). */
export function lineageRoot(person: Person): Person {
  let current = person;
  for (let depth = 0; depth < 10; depth++) {
    const parents = parentsOf(current);
    if (!parents) return current;
    current = parents.father;
  }
  return current;
}

/** The person whose number identifies the household this living person belongs to, if any. */
export function householdAnchor(person: Person): Person | undefined {
  if (!exists(person) || !isAlive(person)) return undefined;
  if (person.sex === 'MALE' && isMarriedHusband(person)) return person;
  const husband = person.sex === 'FEMALE' ? spouseOf(person) : undefined;
  if (husband) return husband;
  const parents = parentsOf(person);
  if (parents && ageAt(person) < LEAVES_HOME_AT && (isAlive(parents.father) || isAlive(parents.mother)))
    return parents.father;
  return ageAt(person) >= ADULT_AGE ? person : undefined;
}

export type Relation = 'CHU_HO' | 'VO' | 'CHONG' | 'CON';

export interface Household {
  readonly anchor: Person;
  readonly head: Person;
  readonly members: readonly { readonly person: Person; readonly relation: Relation }[];
}

export function householdOf(anchor: Person): Household | undefined {
  if (anchor.sex === 'MALE' && isMarriedHusband(anchor)) {
    const wife = wifeCandidate(anchor);
    const husbandAlive = isAlive(anchor);
    const wifeAlive = isAlive(wife);
    if (!husbandAlive && !wifeAlive) return undefined;
    const members: { person: Person; relation: Relation }[] = [];
    if (husbandAlive) members.push({ person: anchor, relation: 'CHU_HO' });
    if (wifeAlive) members.push({ person: wife, relation: husbandAlive ? 'VO' : 'CHU_HO' });
    for (const child of childrenOf(anchor)) {
      if (householdAnchor(child)?.id === anchor.id) members.push({ person: child, relation: 'CON' });
    }
    return { anchor, head: husbandAlive ? anchor : wife, members };
  }
  if (householdAnchor(anchor)?.id !== anchor.id) return undefined;
  return { anchor, head: anchor, members: [{ person: anchor, relation: 'CHU_HO' }] };
}

// Household codes look unrelated to the anchor's number but decode back to it.
const householdCodes = affine(1_000_000_000_000, 7_777_777_777, 31_415_926_535);

export const householdCode = (anchor: Person): string =>
  String(householdCodes.forward(Number(anchor.id))).padStart(12, '0');

export function anchorIdOfHouseholdCode(maHo: string): string | undefined {
  if (!/^\d{12}$/.test(maHo)) return undefined;
  return String(householdCodes.inverse(Number(maHo))).padStart(12, '0');
}
