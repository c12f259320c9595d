// Identifiers with known properties in the synthetic data, for demos and tests across the project.
// Found with mocks/findFixtures.ts; fixtures.test.ts proves each still has the property claimed.
export const FIXTURES = {
  /** Husband: alive, head of `household`, legal representative of `enterprise`, insured with `employer`, holds `landSerial` with his wife. */
  husband: '092080033642',
  /** Wife of `husband`: alive, in the same household, co-holder of `landSerial`. */
  wife: '092183033642',
  /** The couple's two children, living with them; the first was born-registered in Cần Thơ (`birthRegistration`). */
  children: ['092311034544', '092213040243'],
  /** The family's household code (maHo): exactly husband, wife and the two children. */
  household: '397575900369',
  /** An operating enterprise (CONG_TY_TNHH_MTV) whose legal representative is `husband`. */
  enterprise: '1814935290',
  /** An enterprise that employed `husband` (first period of his social insurance). */
  employer: '1815258965',
  /** A land certificate held by `husband` and `wife`. */
  landSerial: 'KK794815',
  /** Birth registration (KS) of the first child, issued in Cần Thơ (province 92). */
  birthRegistration: 'KS-92-2011-063322',
  /** Business registration (DN) of `enterprise`. */
  businessRegistration: 'DN-92-2013-930916',
  /** Land certificate result (DD) whose subject is `husband`. */
  landResult: 'DD-92-2007-138014',
  /** A deceased citizen (DA_CHET, with ngayMat). */
  deceased: '001040000001',
  /** A well-formed citizen id that is not in the population database. */
  notFound: '079190000043',
  /** Twelve digits that are not a citizen id (099 is no province code). */
  malformedCitizenId: '099089012345',
  /** A well-formed result code that was never issued. */
  unissuedResult: 'KS-92-2009-999999',
} as const;
