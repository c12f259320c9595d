// Family links computed from identification numbers alone, in both directions:
// - spouse: the husband (male, old province P, year Y, serial S) and the wife (female, province
//   P shifted by σ(S), year Y + γ(P, S), serial S) are each other's only candidate, since σ and γ
//   depend only on what both numbers share; whether they married is a hash of the husband's number,
//   so both sides agree;
// - children: slot k of a husband with serial S is the citizen whose (sex, serial) is an affine
//   bijection of the slot's place in the layout of the child's birth year (`childLayout`), born
//   `childOffset` years after him; running the bijection backwards gives any citizen's only
//   candidate father;
// - household: anchored on the husband (or a single adult); its code is a bijection of his number.
import { type Affine, affine, hash, hashChance, hashInt, Weighted } from './hash.ts';
import { ageAt, cohortSerials, exists, isAlive, makePerson, type Person, REFERENCE_YEAR } from './person.ts';
import { OLD_PROVINCE_CODES, oldProvinceIndex } from './places.ts';

/**
 * Years by which the husband is older than his wife: about three on average, as the gap between the
 * mean ages at first marriage of men and women in the GSO's population change surveys; a tenth of
 * wives are older.
 */
const AGE_GAPS = new Weighted<number>([
  [-3, 1], [-2, 2], [-1, 5], [0, 9], [1, 12], [2, 14], [3, 14], [4, 12], [5, 10], [6, 7], [7, 5], [8, 4],
  [9, 2], [10, 2], [12, 1],
]); // biome-ignore format: one table

/** The wife's birth year minus the husband's, for the couple that shares province and serial. */
const wifeYearGap = (husbandProvince: string, serial: number): number =>
  AGE_GAPS.at(hash('age-gap', husbandProvince, serial) / 0x1_0000_0000);

/**
 * How far, in old provinces (listed north to south), the wife's birth province is from the
 * husband's: most marry within their province, some a neighbour's, a few from far away.
 */
const ORIGIN_SHIFTS = new Weighted<number>([
  [0, 72], [1, 6], [-1, 6], [2, 3], [-2, 3], [3, 1.5], [-3, 1.5], [20, 1], [-20, 1], [31, 1], [-31, 1],
  [40, 1], [-40, 1],
]); // biome-ignore format: one table
const originShift = (serial: number): number => ORIGIN_SHIFTS.at(hash('origin', serial) / 0x1_0000_0000);
const shiftProvince = (province: string, by: number): string => {
  const n = OLD_PROVINCE_CODES.length;
  return OLD_PROVINCE_CODES[(((oldProvinceIndex.get(province)! + by) % n) + n) % n]!;
};
/** Share of men who marry when they and their candidate wife exist and are 20+: almost all Vietnamese do. */
const MARRIED_SHARE = 0.96;
const MIN_WIFE_AGE = 20;
const MIN_HUSBAND_AGE = 20;
/** No child is born to a mother younger or older than these (the father's age alone sets the birth years). */
const MIN_MOTHER_AGE = 18;
const MAX_MOTHER_AGE = 45;
const ADULT_AGE = 18;
/** Share of youngest sons who stay in their parents' household once married. */
const STAYS_SHARE = 0.95;

export function wifeCandidate(husband: Person): Person {
  const province = shiftProvince(husband.province, originShift(husband.serial));
  const year = husband.birthYear + wifeYearGap(husband.province, husband.serial);
  return makePerson(province, 'FEMALE', year, husband.serial);
}

export function husbandCandidate(wife: Person): Person | undefined {
  const province = shiftProvince(wife.province, -originShift(wife.serial));
  const year = wife.birthYear - wifeYearGap(province, wife.serial);
  return year < 1900 || year > 2399 ? undefined : makePerson(province, 'MALE', year, wife.serial);
}

/** Whether this man is married (to his only candidate wife). */
export function isMarriedHusband(husband: Person): boolean {
  if (husband.sex !== 'MALE' || !exists(husband)) return false;
  const wife = wifeCandidate(husband);
  if (ageAt(wife) < MIN_WIFE_AGE || ageAt(husband) < MIN_HUSBAND_AGE || !exists(wife)) return false;
  return hashChance(MARRIED_SHARE, 'married', husband.id);
}

export function spouseOf(person: Person): Person | undefined {
  if (person.sex === 'MALE') return isMarriedHusband(person) ? wifeCandidate(person) : undefined;
  const husband = husbandCandidate(person);
  return husband && isMarriedHusband(husband) ? husband : undefined;
}

/** Most children a couple has: the earlier generations' large families. */
const MAX_CHILDREN = 7;
/** The father's age at a child's birth the slot layout sizes fathers by. */
const FATHER_AGE = 28;
const FIRST_CHILD_AGE = 24;
/** Shares of fathers with a first child and with a second: few childless couples, about one in seven with one child. */
const FIRST_CHILD_SHARE = 0.97;
const SECOND_CHILD_SHARE = 0.84;

/**
 * How a birth year's numbers in use (2 × cohortSerials: sex and serial) are shared among the
 * fathers of its province: slot k (the (k+1)-th child) belongs to the serials below `bounds[k]`,
 * laid out one slot after the other. Slots 0 and 1 go to most fathers of the generation before;
 * the numbers left give third, fourth, … children to the lowest serials: a few where the
 * generations are of a size, most where the parents' generation is the smaller (the large
 * families of the past).
 */
interface ChildLayout {
  readonly size: number;
  readonly bounds: readonly number[];
  readonly starts: readonly number[];
  readonly scramble: Affine;
}
const layouts = new Map<number, ChildLayout>();

function childLayout(year: number): ChildLayout {
  let layout = layouts.get(year);
  if (layout) return layout;
  const size = 2 * cohortSerials(year);
  const fathers = cohortSerials(year - FATHER_AGE);
  const bounds: number[] = [];
  const starts: number[] = [];
  let used = 0;
  for (let k = 0; k < MAX_CHILDREN; k++) {
    const wanted =
      k === 0 ? FIRST_CHILD_SHARE * fathers : k === 1 ? SECOND_CHILD_SHARE * fathers : bounds[k - 1]!;
    const bound = Math.min(Math.round(wanted), size - used);
    starts.push(used);
    bounds.push(bound);
    used += bound;
  }
  // 1,000,003 is a prime above every size, so the scramble is a bijection of [0, size).
  layout = { size, bounds, starts, scramble: affine(size, 1_000_003, 0) };
  layouts.set(year, layout);
  return layout;
}

function slotIndex(layout: ChildLayout, fatherSerial: number, k: number): number | undefined {
  return fatherSerial < layout.bounds[k]! ? layout.starts[k]! + fatherSerial : undefined;
}

function slotOwner(layout: ChildLayout, x: number): { fatherSerial: number; k: number } | undefined {
  for (let k = 0; k < MAX_CHILDREN; k++) {
    const fatherSerial = x - layout.starts[k]!;
    if (fatherSerial < layout.bounds[k]!) return { fatherSerial, k };
  }
  return undefined; // numbers beyond the last slot: no father
}

const childBase = (province: string, year: number, size: number) => hashInt(size, 'child-b', province, year);

/** Years between the father's birth and child k's. */
function childOffset(province: string, fatherSerial: number, k: number): number {
  const first = FIRST_CHILD_AGE + hashInt(8, 'child-first', province, fatherSerial);
  const gap = 2 + hashInt(2, 'child-gap', province, fatherSerial);
  return first + k * gap;
}

export function childrenOf(father: Person): Person[] {
  if (!isMarriedHusband(father)) return [];
  const children: Person[] = [];
  for (let k = 0; k < MAX_CHILDREN; k++) {
    const year = father.birthYear + childOffset(father.province, father.serial, k);
    const motherAge = year - wifeCandidate(father).birthYear;
    if (year > REFERENCE_YEAR || motherAge < MIN_MOTHER_AGE || motherAge > MAX_MOTHER_AGE) break;
    const layout = childLayout(year);
    const x = slotIndex(layout, father.serial, k);
    if (x === undefined) continue;
    const u = (layout.scramble.forward(x) + childBase(father.province, year, layout.size)) % layout.size;
    const serials = layout.size / 2;
    const child = makePerson(father.province, u < serials ? 'MALE' : 'FEMALE', year, u % serials);
    if (exists(child)) children.push(child);
  }
  return children;
}

export interface Parents {
  readonly father: Person;
  readonly mother: Person;
}

export function parentsOf(child: Person): Parents | undefined {
  if (child.birthYear - FIRST_CHILD_AGE < 1900 || child.birthYear > REFERENCE_YEAR || !exists(child))
    return undefined;
  const layout = childLayout(child.birthYear);
  const serials = layout.size / 2;
  const u = (child.sex === 'MALE' ? 0 : serials) + child.serial;
  const base = childBase(child.province, child.birthYear, layout.size);
  const slot = slotOwner(layout, layout.scramble.inverse((u - base + layout.size) % layout.size));
  if (!slot) return undefined;
  const { fatherSerial, k } = slot;
  const fatherYear = child.birthYear - childOffset(child.province, fatherSerial, k);
  if (fatherYear < 1900) return undefined;
  const father = makePerson(child.province, 'MALE', fatherYear, fatherSerial);
  if (!isMarriedHusband(father)) return undefined;
  const mother = wifeCandidate(father);
  // childrenOf stops at the first child too early for the mother, and at the first too late; so does
  // this side (later children are later still).
  const firstYear = father.birthYear + childOffset(father.province, fatherSerial, 0);
  const motherAge = child.birthYear - mother.birthYear;
  if (
    motherAge < MIN_MOTHER_AGE ||
    motherAge > MAX_MOTHER_AGE ||
    firstYear - mother.birthYear < MIN_MOTHER_AGE
  )
    return undefined;
  return { father, mother };
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

/**
 * Whether this married man lives on in his parents' household with his wife and children, as the
 * son who keeps the parents' home often does: three generations under one roof. Only the youngest
 * son of a couple one of whom is alive, and only when his father does not himself live in his own
 * parents' household (no fourth generation).
 */
export function staysWithParents(man: Person): boolean {
  if (man.sex !== 'MALE' || !isMarriedHusband(man)) return false;
  const parents = parentsOf(man);
  if (!parents || !(isAlive(parents.father) || isAlive(parents.mother))) return false;
  const sons = childrenOf(parents.father).filter((c) => c.sex === 'MALE');
  if (sons.at(-1)?.id !== man.id || !hashChance(STAYS_SHARE, 'stays', man.id)) return false;
  return !staysWithParents(parents.father);
}

/** The anchor of a married man's household: his father's when he stays, else himself. */
const anchorOfCouple = (husband: Person): Person =>
  staysWithParents(husband) ? parentsOf(husband)!.father : husband;

/** The person whose number identifies the household this living person belongs to, if any. */
export function householdAnchor(person: Person): Person | undefined {
  if (!exists(person) || !isAlive(person)) return undefined;
  if (person.sex === 'MALE' && isMarriedHusband(person)) return anchorOfCouple(person);
  const husband = person.sex === 'FEMALE' ? spouseOf(person) : undefined;
  if (husband) return anchorOfCouple(husband);
  const parents = parentsOf(person);
  // Unmarried children, whatever their age, live with their parents while one of them lives.
  if (parents && (isAlive(parents.father) || isAlive(parents.mother))) return anchorOfCouple(parents.father);
  return ageAt(person) >= ADULT_AGE ? person : undefined;
}

/** CON_DAU: daughter-in-law; CHAU: grandchild. */
export type Relation = 'CHU_HO' | 'VO' | 'CHONG' | 'CON' | 'CON_DAU' | 'CHAU';

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
      if (!staysWithParents(child)) continue;
      // The son who stays brings his wife and their children living at home (his widow and children
      // stay on after him).
      const daughterInLaw = wifeCandidate(child);
      if (isAlive(daughterInLaw)) members.push({ person: daughterInLaw, relation: 'CON_DAU' });
      for (const grandchild of childrenOf(child)) {
        if (householdAnchor(grandchild)?.id === anchor.id)
          members.push({ person: grandchild, relation: 'CHAU' });
      }
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
