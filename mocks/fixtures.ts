// Identifiers with known properties in the synthetic data, for demos and tests across the project.
// Found with mocks/findFixtures.ts; fixtures.test.ts proves each still has the property claimed.
export const FIXTURES = {
  /** Husband: alive, head of `household`, legal representative of `enterprise`, insured with `employer`, holds `landSerial` with his wife. */
  husband: '092079034591',
  /** Wife of `husband`: alive, in the same household, co-holder of `landSerial`. */
  wife: '092176034591',
  /** The couple's two children, living with them; the first was born-registered in Cần Thơ (`birthRegistration`). */
  children: ['092208018199', '092314057605'],
  /** The family's household code (maHo): exactly husband, wife and the two children. */
  household: '000910010742',
  /** An operating enterprise (CONG_TY_TNHH_MTV) whose legal representative is `husband`. */
  enterprise: '1841878669',
  /** An enterprise that employed `husband` (first period of his social insurance). */
  employer: '1548791180',
  /** A land certificate held by `husband` and `wife`. */
  landSerial: 'WT713876',
  /** Birth registration (KS) of the first child, issued in Cần Thơ (province 92). */
  birthRegistration: 'KS-92-2008-678870',
  /** Business registration (DN) of `enterprise`. */
  businessRegistration: 'DN-92-2007-493213',
  /** Land certificate result (DD) whose subject is `husband`. */
  landResult: 'DD-92-2006-651331',
  /** A deceased citizen (DA_CHET, with ngayMat). */
  deceased: '001040000001',
  /** A well-formed citizen id that is not in the population database. */
  notFound: '079190000043',
  /** Twelve digits that are not a citizen id (099 is no province code). */
  malformedCitizenId: '099089012345',
  /** A well-formed result code that was never issued. */
  unissuedResult: 'KS-92-2009-999999',
} as const;
