// Searches the generator for identifiers with the properties mocks/fixtures.ts promises, and prints
// them. Run after a generator change breaks fixtures.test.ts: ./node_modules/.bin/node mocks/findFixtures.ts
import { doanhNghiep, theoCaNhan } from './data/business.ts';
import { representativeCandidate } from './data/enterprises.ts';
import { childrenOf, householdOf, spouseOf } from './data/family.ts';
import { thamGiaBaoHiem } from './data/insurance.ts';
import { serialsOfCitizen } from './data/landHolders.ts';
import { decodePerson, exists, makePerson } from './data/person.ts';
import { congDan } from './data/population.ts';
import { resultsOfCitizen, resultsOfEnterprise, syntheticResult } from './data/results.ts';

function findFamily() {
  for (let year = 1980; year <= 1988; year++) {
    for (let group = 0; group < 10_000; group++) {
      const husband = representativeCandidate('92', year, 'MALE', group);
      const wife = spouseOf(husband);
      if (!wife || !congDan(husband.id) || congDan(husband.id)!.trangThai !== 'CON_SONG') continue;
      const household = householdOf(husband);
      const children = childrenOf(husband);
      if (children.length !== 2 || household?.members.length !== 4) continue;
      // An operating enterprise with a registration result: a legal form whose founding procedure the
      // registry lists.
      const enterprise = theoCaNhan(husband.id).find(
        (r) =>
          r.vaiTro === 'DAI_DIEN_PHAP_LUAT' &&
          doanhNghiep(r.maSoDoanhNghiep)?.tinhTrang === 'DANG_HOAT_DONG' &&
          resultsOfEnterprise(r.maSoDoanhNghiep).length === 1,
      );
      const land = serialsOfCitizen(husband);
      const insurance = thamGiaBaoHiem(husband.id);
      const employer = insurance?.quaTrinhDong.find((p) => p.maDonVi !== null)?.maDonVi;
      const birth = children
        .flatMap((c) => resultsOfCitizen(c.id))
        .find((r) => r.maKetQua.startsWith('KS-92-'));
      const landResult = resultsOfCitizen(husband.id).find((r) => r.maKetQua.startsWith('DD-'));
      if (!enterprise || land.length === 0 || !employer || !birth || !landResult) continue;
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
