// Vietnamese names. Family names follow the national distribution (Nguyễn ≈ 38%); Hoàng/Vũ are
// written Huỳnh/Võ in the South. Middle and given names depend on sex, and older generations more
// often carry Văn / Thị.
import { type Rng, Weighted } from './hash.ts';

const FAMILY_NAMES = new Weighted<string>([
  ['Nguyễn', 380],
  ['Trần', 110],
  ['Lê', 95],
  ['Phạm', 70],
  ['Hoàng', 51],
  ['Phan', 45],
  ['Vũ', 39],
  ['Đặng', 21],
  ['Bùi', 20],
  ['Đỗ', 14],
  ['Hồ', 13],
  ['Ngô', 13],
  ['Dương', 10],
  ['Lý', 5],
  ['Đinh', 6],
  ['Trịnh', 5],
  ['Đoàn', 5],
  ['Lâm', 4],
  ['Mai', 4],
  ['Trương', 5],
  ['Cao', 3],
  ['Lưu', 3],
  ['Hà', 4],
  ['Tạ', 2],
  ['Tô', 2],
  ['Châu', 2],
  ['Thái', 2],
  ['Lương', 3],
  ['Kiều', 1],
  ['La', 1],
]);

const SOUTHERN_FORM: Readonly<Record<string, string>> = { Hoàng: 'Huỳnh', Vũ: 'Võ' };

/** `southern`: born in a province from Đà Nẵng southwards. */
export function familyName(rng: Rng, southern: boolean): string {
  const name = FAMILY_NAMES.pick(rng);
  return southern && rng.chance(0.85) ? (SOUTHERN_FORM[name] ?? name) : name;
}

const MALE_MIDDLE = [
  'Văn',
  'Đức',
  'Minh',
  'Quang',
  'Hữu',
  'Thanh',
  'Công',
  'Ngọc',
  'Xuân',
  'Quốc',
  'Anh',
  'Hoàng',
  'Tuấn',
  'Gia',
  'Bảo',
  'Trọng',
  'Duy',
  'Thành',
] as const;
const FEMALE_MIDDLE = [
  'Thị',
  'Ngọc',
  'Thu',
  'Thanh',
  'Minh',
  'Phương',
  'Hồng',
  'Kim',
  'Bảo',
  'Mai',
  'Diệu',
  'Khánh',
  'Thùy',
  'Hải',
  'Quỳnh',
  'Như',
] as const;

const MALE_GIVEN = [
  'An',
  'Anh',
  'Bảo',
  'Bình',
  'Cường',
  'Dũng',
  'Duy',
  'Đạt',
  'Định',
  'Đông',
  'Giang',
  'Hải',
  'Hiếu',
  'Hiệp',
  'Hòa',
  'Hoàng',
  'Hùng',
  'Huy',
  'Khang',
  'Khánh',
  'Khoa',
  'Kiên',
  'Lâm',
  'Long',
  'Lộc',
  'Minh',
  'Nam',
  'Nghĩa',
  'Nhân',
  'Phong',
  'Phúc',
  'Quân',
  'Quang',
  'Sơn',
  'Tài',
  'Tâm',
  'Thắng',
  'Thành',
  'Thịnh',
  'Toàn',
  'Trung',
  'Tú',
  'Tuấn',
  'Tùng',
  'Việt',
  'Vinh',
  'Vũ',
  'Hưng',
  'Phát',
  'Đức',
] as const;
const FEMALE_GIVEN = [
  'An',
  'Anh',
  'Ánh',
  'Bích',
  'Châu',
  'Chi',
  'Dung',
  'Duyên',
  'Giang',
  'Hà',
  'Hạnh',
  'Hằng',
  'Hiền',
  'Hoa',
  'Hồng',
  'Huệ',
  'Hương',
  'Lan',
  'Liên',
  'Linh',
  'Loan',
  'Mai',
  'My',
  'Nga',
  'Ngân',
  'Ngọc',
  'Nhung',
  'Nhi',
  'Oanh',
  'Phương',
  'Quyên',
  'Quỳnh',
  'Tâm',
  'Thảo',
  'Thủy',
  'Thư',
  'Trang',
  'Trâm',
  'Tuyết',
  'Uyên',
  'Vân',
  'Vy',
  'Xuân',
  'Yến',
  'Hậu',
  'Lụa',
] as const;

/** Middle and given name for a person born in `birthYear`. */
export function personalName(rng: Rng, sex: 'MALE' | 'FEMALE', birthYear: number): string {
  const traditional = birthYear < 1970 ? 0.7 : birthYear < 1995 ? 0.45 : 0.15;
  const middle =
    sex === 'MALE'
      ? rng.chance(traditional)
        ? 'Văn'
        : rng.pick(MALE_MIDDLE)
      : rng.chance(traditional)
        ? 'Thị'
        : rng.pick(FEMALE_MIDDLE);
  const given = rng.pick(sex === 'MALE' ? MALE_GIVEN : FEMALE_GIVEN);
  return middle === given ? given : `${middle} ${given}`;
}

/** Provinces from Đà Nẵng southwards use the southern forms of some family names. */
export const isSouthern = (todayProvince: string): boolean => Number(todayProvince) >= 48;
