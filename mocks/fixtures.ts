// Identifiers with known properties in the synthetic data, for demos and tests across the project.
// Found with mocks/findFixtures.ts; fixtures.test.ts proves each still has the property claimed.
export const FIXTURES = {
  /** Husband: alive, head of `household`, legal representative of `enterprise`, insured with `employer`, holds `landSerial` with his wife. */
  husband: '092082031521',
  /** Wife of `husband`: alive, in the same household, co-holder of `landSerial`. */
  wife: '092184031521',
  /** The couple's two children, living with them; the first was born-registered in Cần Thơ (`birthRegistration`). */
  children: ['092209342442', '092215081377'],
  /** The family's household code (maHo): exactly husband, wife and the two children. */
  household: '456463235352',
  /** An operating enterprise (CONG_TY_TNHH_MTV) whose legal representative is `husband`. */
  enterprise: '9266800762',
  /** An enterprise that employed `husband` (first period of his social insurance). */
  employer: '2525850025',
  /** A land certificate held by `husband` and `wife`. */
  landSerial: 'TR317207',
  /** Birth registration (KS) of the first child, issued in Cần Thơ (province 92). */
  birthRegistration: 'KS-92-2009-174393',
  /** Business registration (DN) of `enterprise`. */
  businessRegistration: 'DN-92-2022-952223',
  /** Land certificate result (DD) whose subject is `husband`. */
  landResult: 'DD-92-2010-796838',
  /** A deceased citizen (DA_CHET, with ngayMat). */
  deceased: '001040000001',
  /** A well-formed citizen id that is not in the population database. */
  notFound: '079190000043',
  /** Twelve digits that are not a citizen id (099 is no province code). */
  malformedCitizenId: '099089012345',
  /** A well-formed result code that was never issued. */
  unissuedResult: 'KS-92-2009-999988',
} as const;
