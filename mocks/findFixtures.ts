// Searches the generator for identifiers with the properties mocks/fixtures.ts promises, and prints
// them. Run after a generator change breaks fixtures.test.ts: ./node_modules/.bin/node mocks/findFixtures.ts
import { doanhNghiep, theoCaNhan } from './data/business.ts';
import { REPRESENTATIVE_GROUPS, representativeCandidate } from './data/enterprises.ts';
import { childrenOf, householdOf, spouseOf } from './data/family.ts';
import { thamGiaBaoHiem } from './data/insurance.ts';
import { serialsOfCitizen } from './data/landHolders.ts';
import { decodePerson, exists, makePerson } from './data/person.ts';
import { congDan } from './data/population.ts';
import { resultsOfCitizen, resultsOfEnterprise, syntheticResult } from './data/results.ts';

function findFamily() {
  for (let year = 1975; year <= 1992; year++) {
    for (let group = 0; group < REPRESENTATIVE_GROUPS; group++) {
      const husband = representativeCandidate('92', year, 'MALE', group);
      const wife = spouseOf(husband);
      if (!wife || !congDan(husband.id) || congDan(husband.id)!.trangThai !== 'CON_SONG') continue;
      const household = householdOf(husband);
      const children = childrenOf(husband);
      // Two children at home, the younger a minor (the demos issue its documents); the first born
      // 2008–2018 (its birth registration dossier was completed long ago).
      const firstBorn = children[0]?.birthYear ?? 0;
      if (children.length !== 2 || household?.members.length !== 4 || firstBorn < 2008 || firstBorn > 2018)
        continue;
      // An operating enterprise with a registration result: a legal form whose founding procedure the
      // registry lists.
      const enterprise = theoCaNhan(husband.id).find(
        (r) =>
          r.vaiTro === 'DAI_DIEN_PHAP_LUAT' &&
          doanhNghiep(r.maSoDoanhNghiep)?.tinhTrang === 'DANG_HOAT_DONG' &&
          doanhNghiep(r.maSoDoanhNghiep)?.loaiHinh === 'CONG_TY_TNHH_MTV' &&
          resultsOfEnterprise(r.maSoDoanhNghiep).length === 1,
      );
      const land = serialsOfCitizen(husband);
      const insurance = thamGiaBaoHiem(husband.id);
      const employer = insurance?.quaTrinhDong.find((p) => p.maDonVi !== null)?.maDonVi;
      // The first child's birth registration, issued in Cần Thơ; the second child has none.
      const birth = resultsOfCitizen(children[0]!.id).find((r) => r.maKetQua.startsWith('KS-92-'));
      if (resultsOfCitizen(children[1]!.id).some((r) => r.maKetQua.startsWith('KS-'))) continue;
      const landResult = resultsOfCitizen(husband.id).find((r) => r.maKetQua.startsWith('DD-'));
      if (!enterprise || land.length === 0 || !employer || !birth || !landResult) continue;
      // The land certificate is the husband's only synthetic result.
      if (resultsOfCitizen(husband.id).length !== 1) continue;
      // One role only (the demos list it), and still contributing.
      if (theoCaNhan(husband.id).length !== 1 || insurance?.trangThaiThamGia !== 'DANG_THAM_GIA') continue;
      // The second child has no insurance record (the batch demos show a null).
      if (thamGiaBaoHiem(children[1]!.id) !== null) continue;
      return {
        husband: husband.id,
        wife: wife.id,
        children: children.map((c) => c.id),
        household: congDan(husband.id)!.maHoGiaDinh,
        enterprise: enterprise.maSoDoanhNghiep,
        employer,
        landSerial: land[0],
        birthRegistration: birth.maKetQua,
        birthRegistrationSubject: birth.doiTuong.ma,
        businessRegistration: resultsOfEnterprise(enterprise.maSoDoanhNghiep)[0]!.maKetQua,
        enterpriseType: doanhNghiep(enterprise.maSoDoanhNghiep)!.loaiHinh,
        landResult: landResult.maKetQua,
      };
    }
  }
  throw new Error('no family found');
}

function findDeceased() {
  for (let serial = 1; ; serial++) {
    const person = makePerson('01', 'MALE', 1940, serial);
    if (congDan(person.id)?.trangThai === 'DA_CHET') return person.id;
  }
}

function findUnissuedResult() {
  for (let n = 999_999; ; n--) {
    const code = `KS-92-2009-${String(n).padStart(6, '0')}`;
    if (!syntheticResult(code)) return code;
  }
}

function findNotFound() {
  for (let serial = 1; ; serial++) {
    const person = makePerson('79', 'FEMALE', 1990, serial);
    if (!exists(person)) return person.id;
  }
}

const family = findFamily();
console.log(
  JSON.stringify(
    {
      family,
      deceased: findDeceased(),
      notFound: findNotFound(),
      unissuedResult: findUnissuedResult(),
      malformed: decodePerson('099089012345') ? 'unexpected' : '099089012345',
    },
    null,
    2,
  ),
);
